package fast

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/shapeinference"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// nativeConv switches native convolutions on; tests turn it off to get the inner
// backend's ConvGeneral as the reference path.
var nativeConv = true

// convOp holds the parameters of a native ConvGeneral.
type convOp struct {
	axes                            backends.ConvolveAxesConfig
	strides                         []int
	paddings                        [][2]int
	inputDilations, kernelDilations []int
	inShape, kernelShape, outShape  shapes.Shape
}

// ConvGeneral implements backends.StandardOps. Float32 convolutions with one channel and
// batch group run natively (package kernels); others are replayed on the inner backend.
func (b *Builder) ConvGeneral(input, kernel backends.Op, axes backends.ConvolveAxesConfig, strides []int,
	paddings [][2]int, inputDilations, kernelDilations []int, channelGroupCount, batchGroupCount int) (backends.Op, error) {
	// GoMLX's gradient convolutions pass unset (nil or 0) strides and dilations: they mean 1.
	spatial := len(axes.InputSpatial)
	strides, inputDilations, kernelDilations = ones(strides, spatial), ones(inputDilations, spatial), ones(kernelDilations, spatial)
	replay := func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		op, err := ib.ConvGeneral(in[0], in[1], axes, strides, paddings, inputDilations, kernelDilations, channelGroupCount, batchGroupCount)
		return []backends.Op{op}, err
	}
	vs, err := b.toValues("ConvGeneral", []backends.Op{input, kernel})
	if err != nil {
		return nil, err
	}
	x, k := vs[0], vs[1]
	if !nativeConv || x.shape.DType != dtypes.Float32 || k.shape.DType != dtypes.Float32 ||
		max(channelGroupCount, 1) != 1 || max(batchGroupCount, 1) != 1 {
		outs, err := b.record("ConvGeneral", []backends.Op{input, kernel}, 1, replay)
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	out, err := shapeinference.ConvGeneralOp(x.shape, k.shape, axes, strides, paddings, inputDilations, kernelDilations, 1, 1)
	if err != nil {
		return nil, fmt.Errorf("%s ConvGeneral(input %s, kernel %s): %w", Name, x.shape, k.shape, err)
	}
	c := &convOp{axes: axes.Clone(), strides: slices.Clone(strides), paddings: slices.Clone(paddings),
		inputDilations: slices.Clone(inputDilations), kernelDilations: slices.Clone(kernelDilations),
		inShape: x.shape, kernelShape: k.shape, outShape: out}
	return b.recordNative(&node{kind: kindConv, opName: "ConvGeneral", inputs: vs, replay: replay, conv: c}, out)
}

// Reverse implements backends.StandardOps: natively for float32, else on the inner backend.
func (b *Builder) Reverse(x backends.Op, axes ...int) (backends.Op, error) {
	replay := func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		op, err := ib.Reverse(in[0], axes...)
		return []backends.Op{op}, err
	}
	vs, err := b.toValues("Reverse", []backends.Op{x})
	if err != nil {
		return nil, err
	}
	if vs[0].shape.DType != dtypes.Float32 {
		outs, err := b.record("Reverse", []backends.Op{x}, 1, replay)
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	rank := vs[0].shape.Rank()
	for _, a := range axes {
		if a < 0 || a >= rank {
			return nil, fmt.Errorf("%s Reverse: axis %d out of range for %s", Name, a, vs[0].shape)
		}
	}
	return b.recordNative(&node{kind: kindReverse, opName: "Reverse", inputs: vs, replay: replay,
		revAxes: slices.Clone(axes)}, vs[0].shape)
}

// ones returns s with missing or non-positive entries replaced by 1, n entries long.
func ones(s []int, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = 1
		if i < len(s) && s[i] > 0 {
			out[i] = s[i]
		}
	}
	return out
}
