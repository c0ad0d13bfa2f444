package fast

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// Where implements backends.StandardOps: natively (kernels.Where) for float32 values
// with a bool condition, each operand either scalar or of the output's shape (what
// PReLU, LeakyReLU, their gradients and the optimizers' finite-value guards emit);
// otherwise on the inner backend.
func (b *Builder) Where(condition, onTrue, onFalse backends.Op) (backends.Op, error) {
	outs, err := b.record("Where", []backends.Op{condition, onTrue, onFalse}, 1, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.Where(in[0], in[1], in[2])
		return []backends.Op{o}, err
	})
	if err != nil {
		return nil, err
	}
	v := outs[0].(*value)
	if nativeElementwise && whereIsNative(v.shape, v.node.inputs) {
		v.node.kind = kindWhere
		scalarOperands(v.node)
	}
	return v, nil
}

// whereIsNative reports whether a Where with output shape out and inputs (condition,
// onTrue, onFalse) runs natively.
func whereIsNative(out shapes.Shape, ins []*value) bool {
	if out.DType != dtypes.Float32 || ins[0].shape.DType != dtypes.Bool ||
		ins[1].shape.DType != dtypes.Float32 || ins[2].shape.DType != dtypes.Float32 {
		return false
	}
	for _, in := range ins {
		if in.shape.Size() != 1 && !in.shape.Equal(shapes.Make(in.shape.DType, out.Dimensions...)) {
			return false
		}
	}
	return true
}

// runWhere executes a native Where node: inputs are the condition ([]bool) and the two
// float32 values.
func (e *Executable) runWhere(n *node, s *step, bufs []backends.Buffer, dev backends.DeviceNum) ([]backends.Buffer, error) {
	inner := e.builder.backend.Backend
	flats, err := inputFlats(inner, s, bufs)
	if err != nil {
		return nil, err
	}
	cond, ok0 := flats[0].([]bool)
	onTrue, ok1 := flats[1].([]float32)
	onFalse, ok2 := flats[2].([]float32)
	if !ok0 || !ok1 || !ok2 {
		return nil, fmt.Errorf("%s: inputs are %T, %T, %T, want []bool, []float32, []float32", n.opName, flats[0], flats[1], flats[2])
	}
	buf, flat, err := e.builder.backend.recycle.get(inner, dev, n.outputs[0].shape)
	if err != nil {
		return nil, err
	}
	if err := kernels.Where(flat.([]float32), cond, onTrue, onFalse); err != nil {
		_ = inner.BufferFinalize(buf)
		return nil, fmt.Errorf("%s: %w", n.opName, err)
	}
	return []backends.Buffer{buf}, nil
}
