package backend

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/im2im/im2im/ml/backend/fast"
)

// TestFastPadMatchesIm2im runs Pad (with cropping and a non-zero fill value) and Iota on im2im-fast, whose native kernels handle them, and on the im2im
// backend they wrap (plain simplego has no Pad, so the fast package cannot compare).
func TestFastPadMatchesIm2im(t *testing.T) {
	fb, err := fast.New(Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fb.Finalize)
	ib := newTestBackend(t)
	rng := rand.New(rand.NewPCG(13, 13))
	data := make([]float32, 2*3*4*5)
	for i := range data {
		data[i] = rng.Float32()*2 - 1
	}
	fn := func(x *graph.Node) []*graph.Node {
		half := graph.Scalar(x.Graph(), x.DType(), 0.5)
		p := graph.Pad(x, half, backends.PadAxis{}, backends.PadAxis{Start: 1, End: 2},
			backends.PadAxis{Start: -1, End: 1}, backends.PadAxis{Start: 2, End: -3})
		z := graph.Pad(x, graph.ZerosLike(half), backends.PadAxis{Start: 1}, backends.PadAxis{}, backends.PadAxis{End: 1})
		iota := graph.Add(graph.Iota(x.Graph(), x.Shape(), 2), x)
		return []*graph.Node{p, z, iota}
	}
	got := graph.MustNewExec(fb, fn).MustExec(tensors.FromFlatDataAndDimensions(data, 2, 3, 4, 5))
	want := graph.MustNewExec(ib, fn).MustExec(tensors.FromFlatDataAndDimensions(data, 2, 3, 4, 5))
	for i := range want {
		if !got[i].Shape().Equal(want[i].Shape()) {
			t.Fatalf("output %d: shape %s, want %s", i, got[i].Shape(), want[i].Shape())
		}
		g, w := got[i].Value(), want[i].Value()
		gf, wf := flatFloats(g), flatFloats(w)
		for j := range wf {
			if gf[j] != wf[j] {
				t.Fatalf("output %d element %d: got %v, want %v", i, j, gf[j], wf[j])
			}
		}
	}
}

// flatFloats flattens a tensor value (nested float32 slices) in row-major order.
func flatFloats(v any) []float32 {
	switch x := v.(type) {
	case float32:
		return []float32{x}
	case []float32:
		return x
	case [][]float32:
		var out []float32
		for _, r := range x {
			out = append(out, r...)
		}
		return out
	case [][][]float32:
		var out []float32
		for _, r := range x {
			out = append(out, flatFloats(r)...)
		}
		return out
	case [][][][]float32:
		var out []float32
		for _, r := range x {
			out = append(out, flatFloats(r)...)
		}
		return out
	}
	return nil
}
