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
	return DepthToSpaceAxes(x, uniform(x.Rank()-2, factor))
}

// DepthToSpaceAxes is DepthToSpace with one factor per spatial axis: channel
// c·Πf + (o1..od, row-major over the factors) goes to voxel (s1·f1+o1, ..).
func DepthToSpaceAxes(x *graph.Node, factors []int) *graph.Node {
	d := x.Rank() - 2
	dims := x.Shape().Dimensions
	block := 1
	for _, f := range factors {
		block *= f
	}
	if d < 1 || len(factors) != d || dims[1]%block != 0 {
		panicf("DepthToSpace: input %s: want %d factors (got %v) and channels a multiple of their product", x.Shape(), d, factors)
	}
	c := dims[1] / block
	split := append([]int{dims[0], c}, factors...)
	split = append(split, dims[2:]...)
	x = graph.Reshape(x, split...)
	// [B, C, f1..fd, S1..Sd] -> [B, C, S1, f1, S2, f2, ...]
	perm := []int{0, 1}
	for i := range d {
		perm = append(perm, 2+d+i, 2+i)
	}
	x = graph.TransposeAllDims(x, perm...)
	out := []int{dims[0], c}
	for i := range d {
		out = append(out, dims[2+i]*factors[i])
	}
	return graph.Reshape(x, out...)
}

// UpSample2 doubles every spatial axis with weights w [Cout·2^d, Cin] and bias [Cout]
// (nil for none): a 1×1 convolution followed by DepthToSpace. This is exactly a
// transposed convolution with kernel 2 and stride 2 (weight w[(o·2^d + a), i] is the
// transposed kernel's [i, o, a...]).
func UpSample2(x, w, bias *graph.Node) *graph.Node {
	return UpSample(x, w, bias, uniform(x.Rank()-2, 2))
}

// UpSample is UpSample2 with one factor per spatial axis (a transposed convolution
// with kernel = stride = factors): w is [Cout·Πf, Cin].
func UpSample(x, w, bias *graph.Node, factors []int) *graph.Node {
	y := DepthToSpaceAxes(PointwiseConv(x, w), factors)
	if bias != nil {
		y = graph.Add(y, channelVector(bias, y))
	}
	return y
}

// UpConv is the layer form of UpSample2 (ConvTranspose k2 s2): variables "weights"
// [out·2^d, in] (He-uniform) and "bias" [out] (zero) in ctx's scope.
func UpConv(ctx *context.Context, x *graph.Node, out int) *graph.Node {
	return UpConvAxes(ctx, x, out, uniform(x.Rank()-2, 2))
}

// UpConvAxes is UpConv with one factor per spatial axis (ConvTranspose with kernel =
// stride = factors, e.g. [1, 2, 2]).
func UpConvAxes(ctx *context.Context, x *graph.Node, out int, factors []int) *graph.Node {
	checkSpatial("UpConv", x)
	in := x.Shape().Dimensions[1]
	block := 1
	for _, f := range factors {
		block *= f
	}
	bound := math.Sqrt(6 / float64(in))
	w := ctx.WithInitializer(initializers.RandomUniformFn(ctx, -bound, bound)).
		VariableWithShape("weights", shapeOf(x, out*block, in)).ValueGraph(x.Graph())
	b := ctx.WithInitializer(initializers.Zero).VariableWithShape("bias", shapeOf(x, out)).ValueGraph(x.Graph())
	return UpSample(x, w, b, factors)
}

// RepeatUpsample repeats every voxel of x [B, C, S...] factor times along each spatial
// axis (nearest-neighbour up-sampling by broadcast and reshape; its gradient is the
// exact block sum).
func RepeatUpsample(x *graph.Node, factor int) *graph.Node {
	return RepeatUpsampleAxes(x, uniform(x.Rank()-2, factor))
}

// RepeatUpsampleAxes is RepeatUpsample with one factor per spatial axis.
func RepeatUpsampleAxes(x *graph.Node, factors []int) *graph.Node {
	if allOnes(factors) {
		return x
	}
	dims := x.Shape().Dimensions
	d := len(dims) - 2
	if len(factors) != d {
		panicf("RepeatUpsample: %d factors %v for input %s", len(factors), factors, x.Shape())
	}
	withOnes := []int{dims[0], dims[1]}
	bcast := []int{dims[0], dims[1]}
	out := []int{dims[0], dims[1]}
	for i := range d {
		withOnes = append(withOnes, dims[2+i], 1)
		bcast = append(bcast, dims[2+i], factors[i])
		out = append(out, dims[2+i]*factors[i])
	}
	return graph.Reshape(graph.BroadcastToDims(graph.Reshape(x, withOnes...), bcast...), out...)
}
