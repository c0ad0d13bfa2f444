package backend

import (
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/im2im/im2im/ml/gradcheck"
)

// TestComposedOpGradients checks, against finite differences, the GoMLX gradients
// that run on the composed ops: BatchNormForTraining (backward: BatchNormGradient),
// DynamicSlice (backward: DynamicUpdateSlice), Slice
// with strides (backward: Pad with interior), MaxPool (backward: SelectAndScatterMax)
// and a strided odd-kernel convolution (backward: Reverse and input dilation). GoMLX
// defines no gradient for Reverse and Pad themselves.
func TestComposedOpGradients(t *testing.T) {
	b := newTestBackend(t)
	proj := func(y *graph.Node) *graph.Node {
		w := graph.Sin(graph.IotaFull(y.Graph(), y.Shape()))
		return graph.ReduceAllSum(graph.Mul(y, w))
	}
	cases := []struct {
		name   string
		inputs []gradcheck.Input
		f      func(x []*graph.Node) *graph.Node
	}{
		{"batch norm for training", []gradcheck.Input{gradcheck.Random("x", 1, 3, 2, 2, 2), gradcheck.Random("scale", 2, 2), gradcheck.Random("offset", 3, 2)},
			func(x []*graph.Node) *graph.Node {
				y, _, _ := graph.InternalBatchNormForTraining(x[0], x[1], x[2], 1e-3, 1)
				return y
			}},
		{"dynamic slice", []gradcheck.Input{gradcheck.Random("x", 5, 4, 5)},
			func(x []*graph.Node) *graph.Node {
				g := x[0].Graph()
				return graph.DynamicSlice(x[0], []*graph.Node{graph.Const(g, int32(1)), graph.Const(g, int32(2))}, []int{2, 3})
			}},
		{"strided slice", []gradcheck.Input{gradcheck.Random("x", 6, 5, 7)},
			func(x []*graph.Node) *graph.Node {
				return graph.Slice(x[0], graph.AxisRange(1, 5).Stride(2), graph.AxisRange(0, 7).Stride(3))
			}},
		{"max pool", []gradcheck.Input{gradcheck.Random("x", 7, 1, 5, 5, 2)},
			func(x []*graph.Node) *graph.Node { return graph.MaxPool(x[0]).Window(2).Strides(1).Done() }},
		{"conv k3 stride 2", []gradcheck.Input{gradcheck.Random("x", 8, 1, 6, 5, 2), gradcheck.Random("k", 9, 3, 3, 2, 2)},
			func(x []*graph.Node) *graph.Node { return graph.Convolve(x[0], x[1]).Strides(2).PadSame().Done() }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := gradcheck.Check(b, func(x []*graph.Node) *graph.Node { return proj(tc.f(x)) }, tc.inputs, gradcheck.Options{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
