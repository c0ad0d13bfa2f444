package nn

import (
	"math"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

// DepthToSpace rearranges x [B, C·f^d, S1..Sd] into [B, C, S1·f, .., Sd·f]: channel
// c·f^d + (o1..od, row-major) goes to voxel (s1·f+o1, .., sd·f+od). Only reshapes and a
// transpose, so its gradient is exact.
func DepthToSpace(x *graph.Node, factor int) *graph.Node {
	d := x.Rank() - 2
	dims := x.Shape().Dimensions
	block := int(math.Pow(float64(factor), float64(d)))
	if d < 1 || dims[1]%block != 0 {
		panicf("DepthToSpace: input %s: channels must be a multiple of %d^%d", x.Shape(), factor, d)
	}
	c := dims[1] / block
	// [B, C, f×d, S×d]
	split := []int{dims[0], c}
	for range d {
		split = append(split, factor)
	}
	split = append(split, dims[2:]...)
	x = graph.Reshape(x, split...)
	// -> [B, C, S1, f, S2, f, ...]
	perm := []int{0, 1}
	for i := range d {
		perm = append(perm, 2+d+i, 2+i)
	}
	x = graph.TransposeAllDims(x, perm...)
	out := []int{dims[0], c}
	for i := range d {
		out = append(out, dims[2+i]*factor)
	}
	return graph.Reshape(x, out...)
}

// UpSample2 doubles every spatial axis with weights w [Cout·2^d, Cin] and bias [Cout]
// (nil for none): a 1×1 convolution followed by DepthToSpace. This is exactly a
// transposed convolution with kernel 2 and stride 2 (weight w[(o·2^d + a), i] is the
// transposed kernel's [i, o, a...]).
func UpSample2(x, w, bias *graph.Node) *graph.Node {
	y := DepthToSpace(PointwiseConv(x, w), 2)
	if bias != nil {
		y = graph.Add(y, channelVector(bias, y))
	}
	return y
}

// UpConv is the layer form of UpSample2 (ConvTranspose k2 s2): variables "weights"
// [out·2^d, in] (He-uniform) and "bias" [out] (zero) in ctx's scope.
func UpConv(ctx *context.Context, x *graph.Node, out int) *graph.Node {
	checkSpatial("UpConv", x)
	d := x.Rank() - 2
	in := x.Shape().Dimensions[1]
	bound := math.Sqrt(6 / float64(in))
	w := ctx.WithInitializer(initializers.RandomUniformFn(ctx, -bound, bound)).
		VariableWithShape("weights", shapeOf(x, out<<d, in)).ValueGraph(x.Graph())
	b := ctx.WithInitializer(initializers.Zero).VariableWithShape("bias", shapeOf(x, out)).ValueGraph(x.Graph())
	return UpSample2(x, w, b)
}

// RepeatUpsample repeats every voxel of x [B, C, S...] factor times along each spatial
// axis (nearest-neighbour up-sampling by broadcast and reshape; its gradient is the
// exact block sum, unlike graph.Interpolate's).
func RepeatUpsample(x *graph.Node, factor int) *graph.Node {
	if factor == 1 {
		return x
	}
	dims := x.Shape().Dimensions
	d := len(dims) - 2
	withOnes := []int{dims[0], dims[1]}
	bcast := []int{dims[0], dims[1]}
	out := []int{dims[0], dims[1]}
	for i := range d {
		withOnes = append(withOnes, dims[2+i], 1)
		bcast = append(bcast, dims[2+i], factor)
		out = append(out, dims[2+i]*factor)
	}
	return graph.Reshape(graph.BroadcastToDims(graph.Reshape(x, withOnes...), bcast...), out...)
}
