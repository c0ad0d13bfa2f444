package nn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// ConvTranspose is a transposed convolution ("deconvolution") of x [B, Cin, S...]
// with kernel size k, stride s, padding p and output padding op per spatial axis: the
// output has (n−1)·s − 2p + k + op voxels per axis, as PyTorch's ConvTranspose.
//
// It is the forward convolution with w [Cout, Cin, k...] (PyTorch's transposed kernel
// [Cin, Cout, k...] with channels swapped and spatial axes flipped) of the input with
// s−1 zeros inserted between voxels and zero borders k−1−p before and k−1−p+op after,
// computed without the zeros: one stride-1 convolution per output phase with the taps
// that meet input voxels, interleaved (transpose_phases.go). Every step has an exact
// gradient (GoMLX's convolution with input dilation has none). Requires p ≤ k−1 and
// op < s. bias [Cout] may be nil.
func ConvTranspose(x, w, bias *graph.Node, strides, paddings, outputPaddings []int) *graph.Node {
	spatial := x.Rank() - 2
	kernel := w.Shape().Dimensions[2:]
	if spatial < 1 || w.Rank() != x.Rank() || len(strides) != spatial || len(paddings) != spatial || len(outputPaddings) != spatial {
		panicf("ConvTranspose: input %s, kernel %s, strides %v, paddings %v, output paddings %v do not match",
			x.Shape(), w.Shape(), strides, paddings, outputPaddings)
	}
	for a := range spatial {
		if strides[a] < 1 || paddings[a] < 0 || paddings[a] > kernel[a]-1 || outputPaddings[a] < 0 || outputPaddings[a] >= strides[a] {
			panicf("ConvTranspose: axis %d: stride %d, padding %d, output padding %d invalid for kernel %d",
				a, strides[a], paddings[a], outputPaddings[a], kernel[a])
		}
	}
	return convTransposePhases(x, w, bias, strides, paddings, outputPaddings)
}

// UpConvTranspose is the layer form of ConvTranspose with kernel k, the given
// strides, padding (k−1)/2 and output padding s−1, so every axis grows exactly by
// its stride (MONAI's up-sampling convolution with up_kernel_size k): variables
// "weights" [out, in, k...] (initialised as Conv's) and "bias" [out] (zero) in ctx's scope.
func UpConvTranspose(ctx *context.Context, x *graph.Node, out, kernel int, strides []int) *graph.Node {
	checkSpatial("UpConvTranspose", x)
	spatial := x.Rank() - 2
	ks := uniform(spatial, kernel)
	pads := uniform(spatial, (kernel-1)/2)
	ops := make([]int, spatial)
	for a, s := range strides {
		ops[a] = s - 1
	}
	return convTransposeLayer(ctx, x, out, ks, strides, pads, ops)
}

// ConvTransposeLayer is the layer form of ConvTranspose with kernel size kernel,
// stride, padding pad and output padding outPad on every spatial axis (PyTorch's
// ConvTranspose(k, s, p, output_padding)): (n−1)·s − 2p + k + outPad outputs per axis.
// Variables as UpConvTranspose's; it always has a bias.
func ConvTransposeLayer(ctx *context.Context, x *graph.Node, out, kernel, stride, pad, outPad int) *graph.Node {
	checkSpatial("ConvTransposeLayer", x)
	spatial := x.Rank() - 2
	return convTransposeLayer(ctx, x, out, uniform(spatial, kernel), uniform(spatial, stride),
		uniform(spatial, pad), uniform(spatial, outPad))
}

// convTransposeLayer creates the variables of a transposed convolution layer and applies it.
func convTransposeLayer(ctx *context.Context, x *graph.Node, out int, ks, strides, pads, ops []int) *graph.Node {
	fanIn := x.Shape().Dimensions[1]
	for _, k := range ks {
		fanIn *= k
	}
	w, b := convVars(ctx, x, append([]int{out, x.Shape().Dimensions[1]}, ks...), fanIn, true)
	return ConvTranspose(x, w, b, strides, pads, ops)
}
