package im2im

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/bioimageio"
	"github.com/im2im/im2im/ml/onnx"
)

// maxAbsDiff is the largest |a−b| of two equally long slices.
func maxAbsDiff(t *testing.T, a, b []float32) float64 {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("lengths %d and %d", len(a), len(b))
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// A trained 2D segmentation run exports as a valid package whose ONNX graph,
// run by ml/onnx with the package's own pre- and postprocessing, reproduces
// its test output; im2im predict --model gives what predict --run gives (as
// probabilities: bioimage.io has no arg-max).
func TestExportPackage(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	c := tinySeg(data, t.TempDir())
	run, err := Train(c.Data, c.Model, c.Trainer)
	if err != nil {
		t.Fatal(err)
	}
	zip := filepath.Join(t.TempDir(), "model.zip")
	e, err := run.Export(zip)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(e)
	want := []string{"README.md", "cover.png", "im2im_config.yaml", "model.onnx", "test_input.npy", "test_output.npy"}
	if !slices.Equal(e.Files, want) || !slices.Equal(e.TestShape, []int{1, 1, 48, 48}) || len(e.Notes) < 3 {
		t.Errorf("files %v, test shape %v, notes %v", e.Files, e.TestShape, e.Notes)
	}
	p, err := bioimageio.ReadPackage(zip)
	if err != nil {
		t.Fatal(err)
	}
	if err := bioimageio.Validate(p); err != nil {
		t.Fatal(err)
	}
	d := p.Desc
	if got := stepIDs(d.Inputs[0].Preprocessing) + " | " + stepIDs(d.Outputs[0].Postprocessing); got != "scale_range | softmax" {
		t.Errorf("processing %s", got)
	}
	if h := d.Outputs[0].Axes[2].Halo; h < 4 || 2*h >= 48 {
		t.Errorf("halo %d", h)
	}
	// The package alone reproduces its test output.
	x := readNPY(t, p.Files["test_input.npy"])
	wantOut := readNPY(t, p.Files["test_output.npy"])
	m, err := onnx.ReadModel(p.Files["model.onnx"])
	if err != nil {
		t.Fatal(err)
	}
	if err := bioimageio.Apply(d.Inputs[0].Preprocessing, x); err != nil {
		t.Fatal(err)
	}
	y, err := m.Run(&onnx.Tensor{Shape: x.Shape, Float: x.Data})
	if err != nil {
		t.Fatal(err)
	}
	got := &bioimageio.Array{Axes: wantOut.Axes, Shape: y.Shape, Data: y.Float}
	if err := bioimageio.Apply(d.Outputs[0].Postprocessing, got); err != nil {
		t.Fatal(err)
	}
	if diff := maxAbsDiff(t, got.Data, wantOut.Data); diff > 1e-4 {
		t.Errorf("the package's graph on its test input: max abs difference %g from its test output", diff)
	}
	// predict --model = predict --run (probabilities).
	image := filepath.Join(data, "semantic_001_IM.ome.tiff")
	fromPkg, err := PredictPackage(context.Background(), zip, image, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	prob := run.Config
	fm := prob.Model.(FCN)
	fm.Predict.Output = "prob"
	prob.Model = fm
	fromRun, err := Predict(prob, run.Checkpoint(), image, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, sa, _ := readImage(t, fromPkg[0].Path)
	b, sb, _ := readImage(t, fromRun[0])
	if sa != sb {
		t.Fatalf("shapes %v and %v", sa, sb)
	}
	diff := maxAbsDiff(t, a, b)
	t.Logf("predict --model vs --run: max abs difference %.2g over %v", diff, sa)
	if diff > 1e-4 {
		t.Errorf("predict --model differs from predict --run by %g", diff)
	}
}

func readNPY(t *testing.T, b []byte) *bioimageio.Array {
	t.Helper()
	a, err := imageio.DecodeNPY(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return &bioimageio.Array{Axes: axesOf(len(a.Shape) - 2), Shape: a.Shape, Data: a.Float32()}
}

// Settings a package cannot express are errors naming them.
func TestExportErrors(t *testing.T) {
	cases := []struct {
		name string
		d    Data
		want string
	}{
		{"blur", Data{Dims: 2, Input: "IM", Normalize: ZScore(), Preprocess: []Transform{GaussianBlur(1)}},
			"data.preprocess[0]: gaussian_blur has no bioimage.io preprocessing form"},
		{"other keys", Data{Dims: 2, Input: "IM", Normalize: &Transform{Name: "normalize_zscore", Params: map[string]any{"keys": []any{"GT"}}}},
			"applies to keys [GT]"},
	}
	for _, tc := range cases {
		if _, err := preprocessing(tc.d); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	steps, err := preprocessing(Data{Dims: 3, Input: "IM", Normalize: Percentile(2, 98), Preprocess: []Transform{T("clip", map[string]any{"min": 0.0, "max": 1.0})}})
	if err != nil || stepIDs(steps) != "scale_range, clip" {
		t.Errorf("percentile+clip: %v %v", steps, err)
	}
	if _, err := ExportPackage(context.Background(), Config{Model: ProbUnet{}}, "x.ckpt", "m.zip", ExportOptions{}); err == nil ||
		!strings.Contains(err.Error(), "model.framework probunet has no ONNX export: its prediction runs the prior net") {
		t.Errorf("probunet: %v", err)
	}
}

// A package's tile follows its size rule (min + n·step, or fixed), covers a
// small image whole, and overlaps neighbours by at least twice the halo.
func TestPackageWindow(t *testing.T) {
	z := &zooModel{dims: 2, min: []int{18, 64}, step: []int{2, 0}, halo: []int{8, 20}}
	cases := []struct {
		spatial []int
		want    []int // nil: any window under the budget
	}{
		{[]int{10, 10}, []int{18, 64}},
		{[]int{100, 50}, []int{100, 64}},
		{[]int{2000, 3000}, nil},
	}
	for _, tc := range cases {
		w, overlap := z.window(tc.spatial)
		if tc.want != nil && !slices.Equal(w.Window, tc.want) {
			t.Errorf("%v: window %v, want %v", tc.spatial, w.Window, tc.want)
		}
		if (w.Window[0]-18)%2 != 0 || w.Window[1] != 64 || prodInts(w.Window) > 1<<20 {
			t.Errorf("%v: window %v breaks the size rule or the budget", tc.spatial, w.Window)
		}
		if want := math.Min(0.5, math.Max(0.25, math.Max(16/float64(w.Window[0]), 40/float64(w.Window[1])))); math.Abs(overlap-want) > 1e-9 {
			t.Errorf("%v: overlap %v, want %v", tc.spatial, overlap, want)
		}
	}
}
