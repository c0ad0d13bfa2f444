package fast

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// nativeElementwise switches the native float32 element-wise, reduction, broadcast and
// transpose ops on; tests turn it off to get the inner backend as the reference path.
var nativeElementwise = true

// recordMaybeNative records an op through the mirror (which validates it and infers its
// shape) and, when every input and the output are float32, marks it to run natively.
func (b *Builder) recordMaybeNative(opName string, ins []backends.Op, replay replayFn, kind nodeKind, set func(n *node)) (backends.Op, error) {
	outs, err := b.record(opName, ins, 1, replay)
	if err != nil {
		return nil, err
	}
	v := outs[0].(*value)
	if !nativeElementwise || v.shape.DType != dtypes.Float32 {
		return v, nil
	}
	for _, in := range v.node.inputs {
		if in.shape.DType != dtypes.Float32 {
			return v, nil
		}
	}
	v.node.kind = kind
	if set != nil {
		set(v.node)
	}
	return v, nil
}

func (b *Builder) binary(opName string, op kernels.BinaryOp, lhs, rhs backends.Op,
	f func(ib backends.Builder, x, y backends.Op) (backends.Op, error)) (backends.Op, error) {
	return b.recordMaybeNative(opName, []backends.Op{lhs, rhs}, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := f(ib, in[0], in[1])
		return []backends.Op{o}, err
	}, kindBinary, func(n *node) { n.binOp = op })
}

// Add implements backends.StandardOps (native for float32).
func (b *Builder) Add(lhs, rhs backends.Op) (backends.Op, error) {
	return b.binary("Add", kernels.Add, lhs, rhs, backends.Builder.Add)
}

// Sub implements backends.StandardOps (native for float32).
func (b *Builder) Sub(lhs, rhs backends.Op) (backends.Op, error) {
	return b.binary("Sub", kernels.Sub, lhs, rhs, backends.Builder.Sub)
}

// Mul implements backends.StandardOps (native for float32).
func (b *Builder) Mul(lhs, rhs backends.Op) (backends.Op, error) {
	return b.binary("Mul", kernels.Mul, lhs, rhs, backends.Builder.Mul)
}

// Div implements backends.StandardOps (native for float32).
func (b *Builder) Div(lhs, rhs backends.Op) (backends.Op, error) {
	return b.binary("Div", kernels.Div, lhs, rhs, backends.Builder.Div)
}

// Max implements backends.StandardOps (native for float32).
func (b *Builder) Max(lhs, rhs backends.Op) (backends.Op, error) {
	return b.binary("Max", kernels.Maximum, lhs, rhs, backends.Builder.Max)
}

// Min implements backends.StandardOps (native for float32).
func (b *Builder) Min(lhs, rhs backends.Op) (backends.Op, error) {
	return b.binary("Min", kernels.Minimum, lhs, rhs, backends.Builder.Min)
}

// ReduceSum implements backends.StandardOps (native for float32).
func (b *Builder) ReduceSum(x backends.Op, axes ...int) (backends.Op, error) {
	return b.reduce("ReduceSum", kernels.ReduceSum, x, axes, backends.Builder.ReduceSum)
}

// ReduceMax implements backends.StandardOps (native for float32).
func (b *Builder) ReduceMax(x backends.Op, axes ...int) (backends.Op, error) {
	return b.reduce("ReduceMax", kernels.ReduceMax, x, axes, backends.Builder.ReduceMax)
}

func (b *Builder) reduce(opName string, op kernels.ReduceOp, x backends.Op, axes []int,
	f func(ib backends.Builder, x backends.Op, axes ...int) (backends.Op, error)) (backends.Op, error) {
	axes = slices.Clone(axes)
	return b.recordMaybeNative(opName, []backends.Op{x}, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := f(ib, in[0], axes...)
		return []backends.Op{o}, err
	}, kindReduce, func(n *node) {
		n.redOp = op
		n.axes = axes
		if len(axes) == 0 { // all axes
			n.axes = make([]int, n.inputs[0].shape.Rank())
			for i := range n.axes {
				n.axes[i] = i
			}
		}
	})
}

// BroadcastInDim implements backends.StandardOps (native for float32).
func (b *Builder) BroadcastInDim(x backends.Op, outputShape shapes.Shape, broadcastAxes []int) (backends.Op, error) {
	axes := slices.Clone(broadcastAxes)
	return b.recordMaybeNative("BroadcastInDim", []backends.Op{x}, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.BroadcastInDim(in[0], outputShape, axes)
		return []backends.Op{o}, err
	}, kindBroadcast, func(n *node) { n.axes = axes })
}

// Transpose implements backends.StandardOps (native for float32).
func (b *Builder) Transpose(x backends.Op, permutation ...int) (backends.Op, error) {
	perm := slices.Clone(permutation)
	return b.recordMaybeNative("Transpose", []backends.Op{x}, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.Transpose(in[0], perm...)
		return []backends.Op{o}, err
	}, kindTranspose, func(n *node) { n.axes = perm })
}

// operandStrides returns the strides reading an operand of shape in for an output of
// shape out under implicit broadcasting: rank-0 operands and size-1 axes get stride 0.
func operandStrides(in, out shapes.Shape) []int {
	st := make([]int, out.Rank())
	if in.Rank() == 0 {
		return st
	}
	rm := kernels.RowMajorStrides(in.Dimensions)
	for d := range st {
		if in.Dimensions[d] != 1 || out.Dimensions[d] == 1 {
			st[d] = rm[d]
		}
	}
	return st
}

// runElementwise executes a native element-wise, reduction, broadcast or transpose node.
func runElementwise(n *node, ins [][]float32, out []float32) error {
	os := n.outputs[0].shape
	switch n.kind {
	case kindBinary:
		return kernels.Binary(n.binOp, out, os.Dimensions,
			ins[0], operandStrides(n.inputs[0].shape, os), ins[1], operandStrides(n.inputs[1].shape, os))
	case kindReduce:
		return kernels.Reduce(n.redOp, out, ins[0], n.inputs[0].shape.Dimensions, n.axes)
	case kindMulReduce:
		ps := n.product
		as, bs := operandStrides(n.inputs[0].shape, ps), operandStrides(n.inputs[1].shape, ps)
		ok, err := kernels.MulReduceSum(out, ps.Dimensions, n.axes, ins[0], as, ins[1], bs)
		if ok || err != nil {
			return err
		}
		tmp := make([]float32, ps.Size())
		if err := kernels.Binary(kernels.Mul, tmp, ps.Dimensions, ins[0], as, ins[1], bs); err != nil {
			return err
		}
		return kernels.Reduce(kernels.ReduceSum, out, tmp, ps.Dimensions, n.axes)
	case kindBroadcast:
		xs := n.inputs[0].shape
		rm := kernels.RowMajorStrides(xs.Dimensions)
		st := make([]int, os.Rank())
		for i, a := range n.axes {
			if xs.Dimensions[i] == os.Dimensions[a] {
				st[a] = rm[i]
			}
		}
		return kernels.Copy(out, os.Dimensions, ins[0], st)
	case kindTranspose:
		rm := kernels.RowMajorStrides(n.inputs[0].shape.Dimensions)
		st := make([]int, len(n.axes))
		for i, p := range n.axes {
			st[i] = rm[p]
		}
		return kernels.Copy(out, os.Dimensions, ins[0], st)
	}
	return nil
}
