package notebooks

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/im2im/im2im/kernel/notebook"
)

// buildIm2im builds the im2im command into a temporary folder.
func buildIm2im(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "im2im")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runTutorial executes a tutorial with im2im run and returns the executed
// notebook, the command's exit code and its standard error.
func runTutorial(t *testing.T, bin, file string, params []string) (*notebook.Notebook, int, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), strings.TrimSuffix(file, ".ipynb")+".out.ipynb")
	args := []string{"run", file, "-o", out, "--timeout", "5m", "-p", "workDir=" + t.TempDir()}
	for _, p := range params {
		args = append(args, "-p", p)
	}
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("im2im %s: %v in %s", strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond))
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	nb, err := notebook.Read(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	return nb, code, stderr.String()
}

// cellText returns the stream and error text of a cell's outputs.
func cellText(c *notebook.Cell) string {
	b, _ := json.Marshal(c.Outputs)
	var outs []struct {
		Text   any    `json:"text"`
		Ename  string `json:"ename"`
		Evalue string `json:"evalue"`
	}
	json.Unmarshal(b, &outs)
	var s strings.Builder
	for _, o := range outs {
		switch v := o.Text.(type) {
		case string:
			s.WriteString(v)
		case []any:
			for _, l := range v {
				s.WriteString(l.(string))
			}
		}
		s.WriteString(o.Ename + o.Evalue)
	}
	return s.String()
}

// lastCode returns the last code cell.
func lastCode(nb *notebook.Notebook) *notebook.Cell {
	for i := len(nb.Cells) - 1; i >= 0; i-- {
		if nb.Cells[i].Type == "code" {
			return nb.Cells[i]
		}
	}
	return nil
}

// TestTutorialsRun executes every tutorial top to bottom with tiny parameters
// and checks that every cell ran and the check cell passed; then runs the
// quickstart with an unreachable threshold and checks that the check cell
// fails the run. About 15 s on two cores plus building im2im; it runs when
// IM2IM_TUTORIALS=1 and not with -short.
func TestTutorialsRun(t *testing.T) {
	if os.Getenv("IM2IM_TUTORIALS") != "1" || testing.Short() {
		t.Skip("runs every tutorial through im2im run (≈15 s); set IM2IM_TUTORIALS=1")
	}
	bin := buildIm2im(t)
	for _, tu := range tutorials {
		t.Run(tu.file, func(t *testing.T) {
			nb, code, stderr := runTutorial(t, bin, tu.file, tu.tiny)
			if code != 0 {
				t.Fatalf("exit code %d\n%s", code, stderr)
			}
			for _, c := range nb.Cells {
				if c.Type == "code" && c.ExecutionCount == 0 && strings.TrimSpace(c.Source) != "" {
					t.Errorf("cell %s did not run", c.ID)
				}
			}
			if got := cellText(lastCode(nb)); !strings.HasPrefix(got, "ok: ") {
				t.Errorf("check cell printed %q, want ok: …", got)
			}
		})
	}
	t.Run("quickstart fails below minDice", func(t *testing.T) {
		params := append(append([]string(nil), tutorials[0].tiny...), "minDice=1.01")
		nb, code, stderr := runTutorial(t, bin, "quickstart.ipynb", params)
		if code != 1 {
			t.Fatalf("exit code %d, want 1\n%s", code, stderr)
		}
		if got := cellText(lastCode(nb)); !strings.Contains(got, "below minDice 1.01") {
			t.Errorf("check cell output %q lacks the failed threshold", got)
		}
	})
}
