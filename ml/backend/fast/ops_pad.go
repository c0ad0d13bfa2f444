package fast

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Pad implements backends.StandardOps: float32 padding (and cropping) without interior
// padding runs natively (kernels.Pad), other forms on the inner backend.
func (b *Builder) Pad(x, fillValue backends.Op, axesConfig ...backends.PadAxis) (backends.Op, error) {
	cfg := slices.Clone(axesConfig)
	outs, err := b.record("Pad", []backends.Op{x, fillValue}, 1, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.Pad(in[0], in[1], cfg...)
		return []backends.Op{o}, err
	})
	if err != nil {
		return nil, err
	}
	v := outs[0].(*value)
	xs, fs := v.node.inputs[0].shape, v.node.inputs[1].shape
	if !nativeElementwise || xs.DType != dtypes.Float32 || fs.DType != dtypes.Float32 || fs.Size() != 1 ||
		xs.Rank() == 0 || len(cfg) > xs.Rank() {
		return v, nil
	}
	low := make([]int, xs.Rank())
	for d, c := range cfg {
		if c.Interior != 0 {
			return v, nil
		}
		low[d] = c.Start
	}
	v.node.kind, v.node.axes = kindPad, low
	return v, nil
}

// Iota implements backends.StandardOps: float32 natively (kernels.Iota), else on the
// inner backend.
func (b *Builder) Iota(shape shapes.Shape, iotaAxis int) (backends.Op, error) {
	outs, err := b.record("Iota", nil, 1, func(ib backends.Builder, _ []backends.Op) ([]backends.Op, error) {
		o, err := ib.Iota(shape, iotaAxis)
		return []backends.Op{o}, err
	})
	if err != nil {
		return nil, err
	}
	v := outs[0].(*value)
	if nativeElementwise && v.shape.DType == dtypes.Float32 && v.shape.Rank() > 0 {
		v.node.kind, v.node.axes = kindIota, []int{iotaAxis}
	}
	return v, nil
}
