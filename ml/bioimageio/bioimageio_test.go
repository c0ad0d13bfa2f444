package bioimageio

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
)

func npy(t *testing.T, shape ...int) []byte {
	t.Helper()
	n := prod(shape)
	a, err := imageio.ArrayOf(make([]float32, n), "TCZYX"[5-len(shape):], shape...)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := imageio.EncodeNPY(&b, a, false); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// goodPackage is a valid 2D package: input raw [b, c, y, x] (multiples of 8
// from 16), output with halo 4.
func goodPackage(t *testing.T) *Package {
	t.Helper()
	files := map[string][]byte{"model.onnx": []byte("weights"), "README.md": []byte("# doc\n"), "cover.png": []byte("png"),
		"test_input.npy": npy(t, 1, 1, 24, 32), "test_output.npy": npy(t, 1, 2, 24, 32)}
	space := func(id string, s *Size, halo int) Axis {
		return Axis{Type: "space", ID: id, Size: s, Halo: halo, Scale: 0.5, Unit: "micrometer"}
	}
	d := &Description{FormatVersion: FormatVersion, Type: "model", Name: "im2im unet 2D", License: "CC-BY-4.0",
		Authors: []Author{{Name: "Me"}}, Cite: []Cite{{Text: "im2im", URL: "https://example.org"}}, Documentation: "README.md",
		Covers: []string{"cover.png"}, Timestamp: "2026-12-06T12:00:00Z",
		Inputs: []Tensor{{ID: "raw", Axes: []Axis{{Type: "batch"}, {Type: "channel", ChannelNames: []string{"c0"}},
			space("y", &Size{Min: 16, Step: 8}, 0), space("x", &Size{Min: 16, Step: 8}, 0)},
			TestTensor:    &File{Source: "test_input.npy", SHA256: SHA256(files["test_input.npy"])},
			Preprocessing: []Processing{{ID: "scale_range", Kwargs: map[string]any{"axes": []any{"y", "x"}, "min_percentile": 1.0, "max_percentile": 99.8}}}}},
		Outputs: []Tensor{{ID: "prediction", Axes: []Axis{{Type: "batch"}, {Type: "channel", ChannelNames: []string{"class0", "class1"}},
			space("y", &Size{TensorID: "raw", AxisID: "y"}, 4), space("x", &Size{TensorID: "raw", AxisID: "x"}, 4)},
			TestTensor:     &File{Source: "test_output.npy", SHA256: SHA256(files["test_output.npy"])},
			Postprocessing: []Processing{{ID: "softmax", Kwargs: map[string]any{"axis": "channel"}}}}},
		Weights: Weights{ONNX: &ONNXWeights{Source: "model.onnx", SHA256: SHA256(files["model.onnx"]), OpsetVersion: 17}}}
	return &Package{Desc: d, Files: files}
}

// Each broken rule is reported naming its field; a good package passes and
// survives a zip round trip.
func TestValidate(t *testing.T) {
	if err := Validate(goodPackage(t)); err != nil {
		t.Fatalf("good package: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(p *Package)
		want   string
	}{
		{"format", func(p *Package) { p.Desc.FormatVersion = "0.4.10" }, "format_version"},
		{"type", func(p *Package) { p.Desc.Type = "dataset" }, "type: \"dataset\""},
		{"short name", func(p *Package) { p.Desc.Name = "abc" }, "name: \"abc\""},
		{"no inputs", func(p *Package) { p.Desc.Inputs = nil }, "inputs: at least one input"},
		{"duplicate tensor id", func(p *Package) { p.Desc.Outputs[0].ID = "raw" }, "outputs.0.id: \"raw\" is also the id of inputs.0"},
		{"upper-case id", func(p *Package) { p.Desc.Inputs[0].ID = "Raw" }, "inputs.0.id"},
		{"duplicate axis id", func(p *Package) { p.Desc.Inputs[0].Axes[3].ID = "y" }, "inputs.0.axes.3.id: \"y\" is used by another axis"},
		{"no channel names", func(p *Package) { p.Desc.Inputs[0].Axes[1].ChannelNames = nil }, "inputs.0.axes.1.channel_names"},
		{"halo on input", func(p *Package) { p.Desc.Inputs[0].Axes[2].Halo = 2 }, "inputs.0.axes.2.halo: only output axes"},
		{"halo without reference", func(p *Package) { p.Desc.Outputs[0].Axes[2].Size = &Size{Fixed: 24} }, "outputs.0.axes.2.halo"},
		{"bad step id", func(p *Package) { p.Desc.Inputs[0].Preprocessing[0].ID = "normalize" }, "inputs.0.preprocessing.0.id"},
		{"step axis", func(p *Package) { p.Desc.Inputs[0].Preprocessing[0].Kwargs["axes"] = []any{"z"} }, "axis \"z\" is not an axis of raw"},
		{"percentiles", func(p *Package) { p.Desc.Inputs[0].Preprocessing[0].Kwargs["min_percentile"] = 100.0 }, "min_percentile < max_percentile"},
		{"no weights", func(p *Package) { p.Desc.Weights = Weights{} }, "weights: at least one"},
		{"opset", func(p *Package) { p.Desc.Weights.ONNX.OpsetVersion = 6 }, "opset_version"},
		{"sha256", func(p *Package) { p.Files["model.onnx"] = []byte("other") }, "weights.onnx.source.sha256: model.onnx has SHA-256"},
		{"missing file", func(p *Package) { delete(p.Files, "README.md") }, "documentation: README.md is not in the package"},
		{"cover type", func(p *Package) { p.Desc.Covers = []string{"README.md"} }, "covers.0: README.md: want one of"},
		{"test shape rank", func(p *Package) {
			p.Files["test_input.npy"] = npy(t, 1, 24, 32)
			p.Desc.Inputs[0].TestTensor.SHA256 = ""
		}, "inputs.0.test_tensor: test_input.npy has shape [1 24 32], the tensor has 4 axes"},
		{"test size not min+n·step", func(p *Package) {
			p.Files["test_input.npy"] = npy(t, 1, 1, 20, 32)
			p.Desc.Inputs[0].TestTensor.SHA256 = ""
		}, "inputs.0.axes.2.size: test tensor size 20 is not 16 + n·8"},
		{"output size vs reference", func(p *Package) {
			p.Files["test_output.npy"] = npy(t, 1, 2, 24, 16)
			p.Desc.Outputs[0].TestTensor.SHA256 = ""
		}, "outputs.0.axes.3.size: test tensor size 16, raw.x's is 32"},
		{"channels", func(p *Package) { p.Desc.Outputs[0].Axes[1].ChannelNames = []string{"a_b"} }, "test tensor has 2 channels, channel_names 1"},
		{"license", func(p *Package) { p.Desc.License = "my license" }, "license"},
		{"cite", func(p *Package) { p.Desc.Cite[0].URL = "" }, "cite.0: needs a doi or a url"},
		{"timestamp", func(p *Package) { p.Desc.Timestamp = "yesterday" }, "timestamp"},
	}
	for _, tc := range cases {
		p := goodPackage(t)
		tc.mutate(p)
		err := Validate(p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a problem with %q", tc.name, err, tc.want)
		}
	}
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "m.zip")
	if err := WritePackage(zipPath, goodPackage(t)); err != nil {
		t.Fatal(err)
	}
	p, err := ReadPackage(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(p); err != nil {
		t.Fatalf("read back: %v", err)
	}
	if p.Desc.Outputs[0].Axes[2].Size.TensorID != "raw" || p.Desc.Inputs[0].Axes[2].Size.Step != 8 || len(p.Files) != 5 {
		t.Errorf("read back: %+v, %d files", p.Desc.Outputs[0].Axes[2].Size, len(p.Files))
	}
	if err := WritePackage(zipPath, &Package{Desc: &Description{}}); err == nil {
		t.Error("an invalid package was written")
	}
}

// A zoo-style description parses; unmodelled fields are kept.
func TestParseZooStyle(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "zoo_style.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if d.Outputs[0].Axes[2].Halo != 32 || d.Inputs[0].Axes[3].Size.Min != 64 || d.Weights.ONNX.OpsetVersion != 20 ||
		d.Weights.Other["torchscript"] == nil || d.Extra["git_repo"] != "https://example.org/repo" {
		t.Errorf("parsed %+v", d)
	}
	out, err := d.Marshal()
	if err != nil || !strings.Contains(string(out), "maintainers:") || !strings.Contains(string(out), "torchscript:") {
		t.Errorf("re-marshalled (%v):\n%s", err, out)
	}
	if _, err := Parse([]byte("format_version: 0.4.9\ntype: model\n")); err == nil || !strings.Contains(err.Error(), "0.4.9") {
		t.Errorf("old format: %v", err)
	}
}

// Processing steps against hand-computed values.
func TestApply(t *testing.T) {
	axes := []string{"batch", "channel", "x"}
	cases := []struct {
		name  string
		step  Processing
		shape []int
		in    []float32
		want  []float32
	}{
		{"zero mean unit variance per channel", Processing{ID: "zero_mean_unit_variance", Kwargs: map[string]any{"axes": []any{"x"}, "eps": 1e-6}},
			[]int{1, 2, 2}, []float32{1, 3, 10, 10}, []float32{-1, 1, 0, 0}},
		{"scale_range 0..100", Processing{ID: "scale_range", Kwargs: map[string]any{"axes": []any{"x"}, "min_percentile": 0, "max_percentile": 100, "eps": 1e-6}},
			[]int{1, 1, 3}, []float32{2, 4, 6}, []float32{0, 0.5, 1}},
		{"scale_range 25..75", Processing{ID: "scale_range", Kwargs: map[string]any{"axes": []any{"x"}, "min_percentile": 25, "max_percentile": 75}},
			[]int{1, 1, 5}, []float32{0, 1, 2, 3, 4}, []float32{-0.5, 0, 0.5, 1, 1.5}},
		{"scale_linear along channel", Processing{ID: "scale_linear", Kwargs: map[string]any{"axis": "channel", "gain": []any{2, 3}, "offset": 1}},
			[]int{1, 2, 1}, []float32{1, 1}, []float32{3, 4}},
		{"sigmoid", Processing{ID: "sigmoid"}, []int{1, 1, 1}, []float32{0}, []float32{0.5}},
		{"softmax channel", Processing{ID: "softmax", Kwargs: map[string]any{"axis": "channel"}},
			[]int{1, 2, 1}, []float32{0, float32(math.Log(3))}, []float32{0.25, 0.75}},
		{"binarize", Processing{ID: "binarize", Kwargs: map[string]any{"threshold": 0.5}}, []int{1, 1, 3}, []float32{0.2, 0.5, 0.7}, []float32{0, 0, 1}},
		{"clip", Processing{ID: "clip", Kwargs: map[string]any{"min": 0, "max": 1}}, []int{1, 1, 3}, []float32{-1, 0.5, 2}, []float32{0, 0.5, 1}},
		{"ensure uint8", Processing{ID: "ensure_dtype", Kwargs: map[string]any{"dtype": "uint8"}}, []int{1, 1, 2}, []float32{-3, 300.4}, []float32{0, 255}},
	}
	for _, tc := range cases {
		a := &Array{Axes: axes, Shape: tc.shape, Data: tc.in}
		if err := Apply([]Processing{tc.step}, a); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i := range tc.want {
			if math.Abs(float64(a.Data[i]-tc.want[i])) > 1e-5 {
				t.Errorf("%s: %v, want %v", tc.name, a.Data, tc.want)
				break
			}
		}
	}
	bad := []struct {
		step Processing
		want string
	}{
		{Processing{ID: "scale_mean_variance"}, "unsupported"},
		{Processing{ID: "softmax", Kwargs: map[string]any{"axis": "z"}}, `axis "z"`},
		{Processing{ID: "scale_range", Kwargs: map[string]any{"reference_tensor": "raw"}}, "reference_tensor"},
		{Processing{ID: "binarize"}, "threshold is required"},
	}
	for _, tc := range bad {
		err := Apply([]Processing{tc.step}, &Array{Axes: axes, Shape: []int{1, 1, 1}, Data: []float32{1}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.step.ID, err, tc.want)
		}
	}
}

// Parse and Validate never panic on any YAML, and a parsed description
// re-marshals.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "zoo_style.yaml")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("format_version: 0.5.3\ntype: model\ninputs: [{id: a, axes: [{type: space, size: {tensor_id: b, axis_id: x}, halo: 2}]}]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(b)
		if err != nil {
			return
		}
		_ = Validate(&Package{Desc: d, Files: map[string][]byte{"test.npy": b}})
		if _, err := d.Marshal(); err != nil {
			t.Fatalf("parsed but does not marshal: %v", err)
		}
	})
}
