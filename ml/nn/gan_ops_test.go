package nn

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/im2im/im2im/ml/gradcheck"
)

// run1 evaluates f on one float32 input and returns the flat output and shape.
func run1(t *testing.T, f func(x *graph.Node) *graph.Node, data []float32, dims ...int) ([]float32, []int) {
	t.Helper()
	b := newBackend(t)
	exec, err := graph.NewExec(b, f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(data, dims...))
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](out[0]), out[0].Shape().Dimensions
}

// TestPadSpatialValues checks reflection and replication padding against
// PyTorch's definitions written out by hand for a 2×3 image.
func TestPadSpatialValues(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6} // rows 1 2 3 / 4 5 6
	cases := []struct {
		mode string
		p    int
		want []float32
		dims []int
	}{
		// Reflection by 1: rows 4 5 6 | 1 2 3 | 4 5 6 | 1 2 3, then columns mirrored.
		{PadReflect, 1, []float32{
			5, 4, 5, 6, 5,
			2, 1, 2, 3, 2,
			5, 4, 5, 6, 5,
			2, 1, 2, 3, 2}, []int{1, 1, 4, 5}},
		{PadReplicate, 2, []float32{
			1, 1, 1, 2, 3, 3, 3,
			1, 1, 1, 2, 3, 3, 3,
			1, 1, 1, 2, 3, 3, 3,
			4, 4, 4, 5, 6, 6, 6,
			4, 4, 4, 5, 6, 6, 6,
			4, 4, 4, 5, 6, 6, 6}, []int{1, 1, 6, 7}},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			got, dims := run1(t, func(x *graph.Node) *graph.Node { return PadSpatial(x, tc.p, tc.mode) }, x, 1, 1, 2, 3)
			if len(dims) != 4 || dims[2] != tc.dims[2] || dims[3] != tc.dims[3] {
				t.Fatalf("shape %v, want %v", dims, tc.dims)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("value %d = %v, want %v (got %v)", i, got[i], tc.want[i], got)
				}
			}
		})
	}
}

// TestAvgPoolExcludesPadding checks a 3×3 stride-2 pad-1 average pooling of a
// 4×4 ramp against averages over the window's voxels inside the image.
func TestAvgPoolExcludesPadding(t *testing.T) {
	x := make([]float32, 16)
	for i := range x {
		x[i] = float32(i)
	}
	got, dims := run1(t, func(x *graph.Node) *graph.Node { return AvgPool(x, 3, 2, 1) }, x, 1, 1, 4, 4)
	if dims[2] != 2 || dims[3] != 2 {
		t.Fatalf("shape %v, want [1 1 2 2]", dims)
	}
	// Output (0,0): rows 0-1, cols 0-1 → (0+1+4+5)/4; (0,1): rows 0-1, cols 1-3 →
	// (1+2+3+5+6+7)/6; (1,0): rows 1-3, cols 0-1 → (4+5+8+9+12+13)/6; (1,1): rows 1-3, cols 1-3.
	want := []float32{2.5, 4, 8.5, 10}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestGANOpGradients(t *testing.T) {
	runGradCases(t, []gradCase{
		{name: "reflect pad 2D", inputs: []gradcheck.Input{in("x", 1, 1, 2, 4, 5)},
			f: func(x []*graph.Node) *graph.Node { return PadSpatial(x[0], 2, PadReflect) }},
		{name: "replicate pad 3D", inputs: []gradcheck.Input{in("x", 2, 1, 1, 3, 3, 2)},
			f: func(x []*graph.Node) *graph.Node { return PadSpatial(x[0], 1, PadReplicate) }},
		{name: "avg pool 2D", inputs: []gradcheck.Input{in("x", 3, 2, 2, 5, 6)},
			f: func(x []*graph.Node) *graph.Node { return AvgPool(x[0], 3, 2, 1) }},
		{name: "avg pool 3D", inputs: []gradcheck.Input{in("x", 4, 1, 1, 3, 4, 4)},
			f: func(x []*graph.Node) *graph.Node { return AvgPool(x[0], 3, 2, 1) }},
		{name: "conv k4 s2 p1 (PatchGAN)", inputs: []gradcheck.Input{in("x", 5, 1, 2, 8, 8), in("w", 6, 3, 2, 4, 4), in("b", 7, 3)},
			f: func(x []*graph.Node) *graph.Node {
				return ConvND(x[0], x[1], x[2], []int{2, 2}, [][2]int{{1, 1}, {1, 1}})
			}},
		{name: "leaky relu 0.2", inputs: []gradcheck.Input{in("x", 8, 2, 3, 4, 4)},
			f: func(x []*graph.Node) *graph.Node { return LeakyReLU(x[0], 0.2) }},
	})
}
