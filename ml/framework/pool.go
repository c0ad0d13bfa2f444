package framework

import (
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

// replayPool is CycleGAN's buffer of past fakes (Shrivastava et al.; the
// reference implementation's image pool) inside the training graph: the
// discriminator then learns from a history of generated images, not only the
// latest. Its images and fill count are non-trainable variables below scope,
// so checkpoints hold it and a resumed run continues with the same history.
type replayPool struct {
	scope string
	size  int
}

// pushPop applies the pool to a batch of (detached) fakes [B, C, spatial...],
// element by element: while the pool is not full, an element is stored and
// returned; once full, with probability ½ a uniformly drawn stored image is
// returned and the element takes its place, else the element is returned. The
// result has the batch's shape.
func (p replayPool) pushPop(ctx *context.Context, fakes *graph.Node) *graph.Node {
	if p.size <= 0 {
		return fakes
	}
	g := fakes.Graph()
	dims := fakes.Shape().Dimensions
	item := dims[1:]
	pc := ctx.InAbsPath(p.scope).Checked(false)
	imgs := pc.WithInitializer(initializers.Zero).
		VariableWithShape("images", shapes.Make(fakes.DType(), append([]int{p.size}, item...)...)).SetTrainable(false)
	count := pc.WithInitializer(initializers.Zero).VariableWithShape("count", shapes.Make(dtypes.Float32)).SetTrainable(false)
	buf, n := imgs.ValueGraph(g), count.ValueGraph(g)
	size := float64(p.size)
	// slots [size, 1, 1, ...] for broadcasting against the buffer.
	slotShape := make([]int, len(dims))
	slotShape[0] = p.size
	for i := 1; i < len(slotShape); i++ {
		slotShape[i] = 1
	}
	slots := graph.Iota(g, shapes.Make(dtypes.Float32, slotShape...), 0)
	var outs []*graph.Node
	for b := 0; b < dims[0]; b++ {
		elem := graph.Slice(fakes, graph.AxisRange(b, b+1)) // [1, C, ...]
		u := ctx.RandomUniform(g, shapes.Make(dtypes.Float32, 2))
		full := graph.GreaterOrEqual(n, graph.Scalar(g, dtypes.Float32, size))
		swap := graph.LogicalAnd(full, graph.LessThan(graph.Slice(u, graph.AxisRange(0, 1)), graph.Scalar(g, dtypes.Float32, 0.5)))
		swap = graph.Reshape(swap)
		drawn := graph.Min(graph.Floor(graph.MulScalar(graph.Reshape(graph.Slice(u, graph.AxisRange(1, 2))), size)), graph.Scalar(g, dtypes.Float32, size-1))
		slot := graph.Where(full, drawn, n)
		hit := graph.Equal(slots, graph.BroadcastToDims(slot, slotShape...)) // [size, 1, ...]
		mask := graph.ConvertDType(hit, fakes.DType())
		stored := graph.ReduceSum(graph.Mul(buf, mask), 0) // buf[slot]
		stored = graph.Reshape(stored, append([]int{1}, item...)...)
		outs = append(outs, graph.Where(graph.BroadcastToDims(swap, elem.Shape().Dimensions...), stored, elem))
		write := graph.LogicalOr(graph.LogicalNot(full), swap)
		writeMask := graph.LogicalAnd(graph.BroadcastToDims(hit, slotShape...), graph.BroadcastToDims(write, slotShape...))
		buf = graph.Where(graph.BroadcastToDims(writeMask, buf.Shape().Dimensions...), graph.BroadcastToDims(elem, buf.Shape().Dimensions...), buf)
		n = graph.Min(graph.AddScalar(n, 1), graph.Scalar(g, dtypes.Float32, size))
	}
	imgs.SetValueGraph(buf)
	count.SetValueGraph(n)
	if len(outs) == 1 {
		return outs[0]
	}
	return graph.Concatenate(outs, 0)
}
