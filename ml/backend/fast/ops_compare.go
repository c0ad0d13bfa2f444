package fast

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// compare records a comparison: native (kernels.Compare) for float32 operands of the
// output's dimensions or with one element, else replayed on the inner backend.
func (b *Builder) compare(opName string, op kernels.CompareOp, lhs, rhs backends.Op,
	f func(ib backends.Builder, x, y backends.Op) (backends.Op, error)) (backends.Op, error) {
	outs, err := b.record(opName, []backends.Op{lhs, rhs}, 1, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := f(ib, in[0], in[1])
		return []backends.Op{o}, err
	})
	if err != nil {
		return nil, err
	}
	v := outs[0].(*value)
	if !nativeElementwise {
		return v, nil
	}
	for _, in := range v.node.inputs {
		if in.shape.DType != dtypes.Float32 || (in.shape.Size() != 1 && in.shape.Size() != v.shape.Size()) {
			return v, nil
		}
	}
	v.node.kind, v.node.cmpOp = kindCompare, op
	scalarOperands(v.node)
	return v, nil
}

// scalarOperands makes a native node read the one-element source of every operand that
// is a native broadcast of it (ZerosLike, a scalar constant): the broadcast is then never
// materialized unless something else uses it. Only nodes whose kernels take one-element
// operands as scalars (Compare, Where) call it; native nodes are never replayed, so the
// recorded op's own operands need not change.
func scalarOperands(n *node) {
	for i, in := range n.inputs {
		if in.node.kind == kindBroadcast && in.node.inputs[0].shape.Size() == 1 &&
			in.node.inputs[0].shape.DType == in.shape.DType {
			n.inputs[i] = in.node.inputs[0]
		}
	}
}

// GreaterThan implements backends.StandardOps (native for float32).
func (b *Builder) GreaterThan(lhs, rhs backends.Op) (backends.Op, error) {
	return b.compare("GreaterThan", kernels.CmpGreater, lhs, rhs, backends.Builder.GreaterThan)
}

// GreaterOrEqual implements backends.StandardOps (native for float32).
func (b *Builder) GreaterOrEqual(lhs, rhs backends.Op) (backends.Op, error) {
	return b.compare("GreaterOrEqual", kernels.CmpGreaterOrEqual, lhs, rhs, backends.Builder.GreaterOrEqual)
}

// LessThan implements backends.StandardOps (native for float32).
func (b *Builder) LessThan(lhs, rhs backends.Op) (backends.Op, error) {
	return b.compare("LessThan", kernels.CmpLess, lhs, rhs, backends.Builder.LessThan)
}

// LessOrEqual implements backends.StandardOps (native for float32).
func (b *Builder) LessOrEqual(lhs, rhs backends.Op) (backends.Op, error) {
	return b.compare("LessOrEqual", kernels.CmpLessOrEqual, lhs, rhs, backends.Builder.LessOrEqual)
}

// runCompare executes a native comparison into a bool buffer.
func (e *Executable) runCompare(n *node, s *step, bufs []backends.Buffer, dev backends.DeviceNum) ([]backends.Buffer, error) {
	inner := e.builder.backend.Backend
	ops, err := float32Inputs(n, inner, s, bufs)
	if err != nil {
		return nil, err
	}
	buf, flat, err := e.builder.backend.recycle.get(inner, dev, n.outputs[0].shape)
	if err != nil {
		return nil, err
	}
	out, ok := flat.([]bool)
	if !ok {
		_ = inner.BufferFinalize(buf)
		return nil, fmt.Errorf("%s: output is %T, want []bool", n.opName, flat)
	}
	if err := kernels.Compare(n.cmpOp, out, ops[0], ops[1]); err != nil {
		_ = inner.BufferFinalize(buf)
		return nil, fmt.Errorf("%s: %w", n.opName, err)
	}
	return []backends.Buffer{buf}, nil
}
