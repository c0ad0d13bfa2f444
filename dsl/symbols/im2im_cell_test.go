package symbols_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/dsl"
	"github.com/im2im/im2im/stdlib/display"
)

type sink struct {
	mu       sync.Mutex
	out      strings.Builder
	displays []display.Data
}

func (s *sink) Stream(_, text string) { s.mu.Lock(); s.out.WriteString(text); s.mu.Unlock() }
func (s *sink) Display(d display.Data) {
	s.mu.Lock()
	s.displays = append(s.displays, d)
	s.mu.Unlock()
}
func (s *sink) Input(string, bool) (string, error) { return "", fmt.Errorf("no input") }

// TestDesignCellTrains runs the target cell of DESIGN.md (scaled down to 32×32
// patches and 2 epochs) in an interpreter session on synthetic nuclei: im2im is
// pre-imported, the run trains, its live panel is one display updated in place,
// and the result's methods work.
func TestDesignCellTrains(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Write(dir+"/nuclei2d", synth.Semantic, 4, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6}); err != nil {
		t.Fatal(err)
	}
	s, err := dsl.New()
	if err != nil {
		t.Fatal(err)
	}
	cell := fmt.Sprintf(`import "fmt"

data := im2im.Data{
    Path:      %q,
    Category:  "pair",
    Patch:     im2im.Patch{Size: []int{32, 32}, PerImage: 2},
    Normalize: im2im.Percentile(1, 99.8),
    Augment:   []im2im.Transform{im2im.RandFlip(0.5), im2im.RandRotate90(0.5)},
    ValRatio:  0.25,
}
model := im2im.FCN{Net: im2im.UNet{Dims: 2, Features: []int{4, 8}, OutChannels: 2}, Loss: im2im.DiceCE{}}
run, err := im2im.Train(data, model, im2im.Trainer{Epochs: 2, BatchSize: 2, LR: 1e-2, Root: %q, Name: "cell", Backend: "im2im-fast"})
if err != nil {
    panic(err)
}
run.Plot()
fmt.Println(len(run.StepLosses()), run.Metrics()["dice"] >= 0)
`, dir+"/nuclei2d", dir+"/runs")
	sk := &sink{}
	if _, err := s.Execute(context.Background(), cell, sk); err != nil {
		t.Fatalf("cell failed: %v\n%s", err, sk.out.String())
	}
	if got := strings.TrimSpace(sk.out.String()); !strings.HasSuffix(got, "6 true") {
		t.Errorf("cell printed %q, want 6 steps and a dice value", got)
	}
	// The live panel: one display id, shown once and then updated; its last
	// state has the progress bar, curves and an image panel. Then run.Plot's PNG.
	var panel []display.Data
	for _, d := range sk.displays {
		if d.ID != "" {
			panel = append(panel, d)
		}
	}
	if len(panel) < 2 {
		t.Fatalf("%d panel displays, want the first and at least one update", len(panel))
	}
	for i, d := range panel {
		if d.ID != panel[0].ID || d.Update != (i > 0) {
			t.Fatalf("panel display %d: id %q update %v (first id %q)", i, d.ID, d.Update, panel[0].ID)
		}
	}
	last, _ := panel[len(panel)-1].MIME["text/html"].(string)
	for _, want := range []string{"<progress", "<div>done</div>", "data:image/png;base64,", "validation image after epoch 2"} {
		if !strings.Contains(last, want) {
			t.Errorf("final panel lacks %q", want)
		}
	}
	lastD := sk.displays[len(sk.displays)-1]
	if _, ok := lastD.MIME["image/png"]; !ok || lastD.ID != "" {
		t.Errorf("run.Plot() did not show a PNG: %v", lastD.MIME)
	}
}

// TestInspectShowsFieldDocs checks that inspecting im2im.UNet (what %help and
// shift-tab show) gives its fields with their docs and defaults.
func TestInspectShowsFieldDocs(t *testing.T) {
	s, err := dsl.New()
	if err != nil {
		t.Fatal(err)
	}
	code := "im2im.UNet"
	text, found := s.Inspect(code, len(code))
	if !found {
		t.Fatal("im2im.UNet not found")
	}
	for _, want := range []string{"type UNet struct", "Features []int", "Features per level", "MONAI-like U-Net", "features 16, 32, 64, 128"} {
		if !strings.Contains(text, want) {
			t.Errorf("inspect text lacks %q:\n%s", want, text)
		}
	}
	code = "im2im.Trainer"
	if text, _ = s.Inspect(code, len(code)); !strings.Contains(text, "Epochs to train. [10]") {
		t.Errorf("Trainer docs lack defaults:\n%s", text)
	}
	// %help NAME prints the same text inside a cell (Execute holds the session's lock).
	for _, tc := range []struct{ cell, want string }{
		{"%help im2im.UNet", "Features per level"},
		{"%help im2im.Trainer", "Epochs to train. [10]"},
		{"x := 41\n%help x", "x int = 41"},
	} {
		sk := &sink{}
		if _, err := s.Execute(context.Background(), tc.cell, sk); err != nil {
			t.Fatalf("%q: %v", tc.cell, err)
		}
		if !strings.Contains(sk.out.String(), tc.want) {
			t.Errorf("%q printed %q, want it to contain %q", tc.cell, sk.out.String(), tc.want)
		}
	}
	if _, err := s.Execute(context.Background(), "%help im2im.NoSuchThing", &sink{}); err == nil ||
		!strings.Contains(err.Error(), "im2im.NoSuchThing is not a known") {
		t.Errorf("%%help of an unknown name: %v", err)
	}
}

// TestDisplayShowFromCell: display.Show takes compiled figures and plain values from a
// cell, one display output each.
func TestDisplayShowFromCell(t *testing.T) {
	s, err := dsl.New()
	if err != nil {
		t.Fatal(err)
	}
	cell := `import "plot"

fig := plot.Images(plot.Panel{Title: "x", Data: []float32{0, 1, 2, 3}, Shape: []int{2, 2}})
if err := display.Show(fig, "caption", 7); err != nil {
	panic(err)
}`
	sk := &sink{}
	if _, err := s.Execute(context.Background(), cell, sk); err != nil {
		t.Fatal(err)
	}
	if len(sk.displays) != 3 {
		t.Fatalf("%d displays, want 3", len(sk.displays))
	}
	if _, ok := sk.displays[0].MIME["image/png"]; !ok {
		t.Errorf("the figure was not shown as PNG: %v", sk.displays[0].MIME)
	}
	if sk.displays[1].MIME["text/plain"] != "caption" || sk.displays[2].MIME["text/plain"] != "7" {
		t.Errorf("texts: %v, %v", sk.displays[1].MIME, sk.displays[2].MIME)
	}
}
