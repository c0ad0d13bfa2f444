package kernel_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const python = "/usr/bin/python3"

// built is the im2im binary and kernelspec the end-to-end tests share.
var built struct {
	once sync.Once
	dir  string // holds im2im and prefix/, removed by TestMain
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// kernelEnv builds the im2im binary (once per test run), installs its kernelspec
// into a temporary Jupyter path and returns the environment that selects it. It
// skips when the Debian Jupyter client is missing (CI installs
// python3-jupyter-client, python3-nbclient and jupyter-nbconvert) or with -short.
func kernelEnv(t *testing.T) []string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end kernel test skipped with -short")
	}
	if err := exec.Command(python, "-c", "import jupyter_client, nbclient, nbconvert").Run(); err != nil {
		t.Skipf("%s lacks jupyter_client/nbclient/nbconvert (apt install python3-jupyter-client python3-nbclient jupyter-nbconvert): %v", python, err)
	}
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "im2im-kernel-e2e-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		bin := filepath.Join(dir, "im2im")
		if out, err := exec.Command("go", "build", "-o", bin, "github.com/im2im/im2im").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		if out, err := exec.Command(bin, "install", "--prefix", filepath.Join(dir, "prefix")).CombinedOutput(); err != nil {
			built.err = fmt.Errorf("im2im install: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	dir := t.TempDir()
	return append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(built.dir, "prefix", "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"JUPYTER_DATA_DIR="+filepath.Join(dir, "data"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"),
		"JUPYTER_PLATFORM_DIRS=1",
		"IPYTHONDIR="+filepath.Join(dir, "ipython"),
	)
}

// TestJupyterKernelTestSuite runs Debian's jupyter_kernel_test suite
// (python3-jupyter-kernel-test) with Go samples (testdata/kernel_suite.py):
// kernel_info, stdout, stderr, completion, is_complete, errors, execute_result,
// display_data, history (tail, range, search), inspect, clear_output.
func TestJupyterKernelTestSuite(t *testing.T) {
	env := kernelEnv(t)
	if err := exec.Command(python, "-c", "import jupyter_kernel_test").Run(); err != nil {
		t.Skipf("%s lacks jupyter_kernel_test (apt install python3-jupyter-kernel-test): %v", python, err)
	}
	cmd := exec.Command(python, "testdata/kernel_suite.py", "-v")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("kernel_suite.py:\n%s", out)
	if err != nil {
		t.Fatalf("jupyter_kernel_test suite failed: %v", err)
	}
	if !strings.Contains(string(out), "OK (skipped=1)") { // test_pager: the kernel has no pager payloads
		t.Errorf("want every test but test_pager run and passed")
	}
}

// TestKernelWithJupyterClient drives the kernel through every protocol feature
// with the real jupyter_client (testdata/drive.py): state, error positions,
// streams from compiled code, displays, completion, inspection, stdin,
// interrupts, panics, a rejected bad signature and shutdown.
func TestKernelWithJupyterClient(t *testing.T) {
	env := kernelEnv(t)
	cmd := exec.Command(python, "testdata/drive.py")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("drive.py:\n%s", out)
	if err != nil || !strings.Contains(string(out), "ALL OK") {
		t.Fatalf("drive.py failed: %v", err)
	}
}

// TestNbconvertExecute runs `jupyter nbconvert --to notebook --execute` on a small
// notebook and checks the outputs it stored.
func TestNbconvertExecute(t *testing.T) {
	env := kernelEnv(t)
	outDir := t.TempDir()
	cmd := exec.Command(python, "-m", "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.timeout=60", "--output-dir", outDir, "--output", "small.out", "testdata/small.ipynb")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(outDir, "small.out.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Outputs []struct {
				OutputType string         `json:"output_type"`
				Name       string         `json:"name"`
				Text       any            `json:"text"`
				Data       map[string]any `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
		Metadata struct {
			LanguageInfo map[string]any `json:"language_info"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 3 {
		t.Fatalf("%d cells", len(nb.Cells))
	}
	text := func(v any) string {
		switch x := v.(type) {
		case string:
			return x
		case []any:
			var s strings.Builder
			for _, p := range x {
				s.WriteString(p.(string))
			}
			return s.String()
		}
		return ""
	}
	c1, c2, c3 := nb.Cells[0].Outputs, nb.Cells[1].Outputs, nb.Cells[2].Outputs
	if len(c1) != 1 || c1[0].OutputType != "stream" || text(c1[0].Text) != "n is 6\n" {
		t.Errorf("cell 1 outputs %+v", c1)
	}
	if len(c2) != 1 || c2[0].OutputType != "execute_result" || text(c2[0].Data["text/plain"]) != "36" {
		t.Errorf("cell 2 outputs %+v", c2)
	}
	if len(c3) != 1 || c3[0].OutputType != "display_data" || text(c3[0].Data["text/markdown"]) != "**done**" {
		t.Errorf("cell 3 outputs %+v", c3)
	}
	if nb.Metadata.LanguageInfo["name"] != "go" {
		t.Errorf("language_info %v", nb.Metadata.LanguageInfo)
	}
}

// TestKernelSurvivesCrashes crashes the kernel's process in the ways Go cannot
// recover from (testdata/crash.py): one allocation larger than memory, SIGKILL,
// compiled code calling os.Exit during a cell and between cells. Each time the
// client gets an error reply naming the cause (or, between cells, a note in
// the next cell), the process Jupyter watches stays, and the next cell runs.
func TestKernelSurvivesCrashes(t *testing.T) {
	env := kernelEnv(t)
	cmd := exec.Command(python, "testdata/crash.py")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("crash.py (the crash reports on stderr are the kernel's):\n%s", out)
	if err != nil || !strings.Contains(string(out), "ALL OK") {
		t.Fatalf("crash.py failed: %v", err)
	}
}
