package fast

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/im2im/im2im/ml/backend/kernels"
)

func (b *Builder) unary(opName string, op kernels.UnaryOp, x backends.Op,
	f func(ib backends.Builder, x backends.Op) (backends.Op, error)) (backends.Op, error) {
	return b.recordMaybeNative(opName, []backends.Op{x}, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := f(ib, in[0])
		return []backends.Op{o}, err
	}, kindUnary, func(n *node) { n.unOp = op })
}

// Sign implements backends.StandardOps (native for float32).
func (b *Builder) Sign(x backends.Op) (backends.Op, error) {
	return b.unary("Sign", kernels.Sign, x, backends.Builder.Sign)
}

// Neg implements backends.StandardOps (native for float32).
func (b *Builder) Neg(x backends.Op) (backends.Op, error) {
	return b.unary("Neg", kernels.Neg, x, backends.Builder.Neg)
}

// Abs implements backends.StandardOps (native for float32).
func (b *Builder) Abs(x backends.Op) (backends.Op, error) {
	return b.unary("Abs", kernels.Abs, x, backends.Builder.Abs)
}

// Sqrt implements backends.StandardOps (native for float32).
func (b *Builder) Sqrt(x backends.Op) (backends.Op, error) {
	return b.unary("Sqrt", kernels.Sqrt, x, backends.Builder.Sqrt)
}

// Rsqrt implements backends.StandardOps (native for float32).
func (b *Builder) Rsqrt(x backends.Op) (backends.Op, error) {
	return b.unary("Rsqrt", kernels.Rsqrt, x, backends.Builder.Rsqrt)
}

// Exp implements backends.StandardOps (native for float32).
func (b *Builder) Exp(x backends.Op) (backends.Op, error) {
	return b.unary("Exp", kernels.Exp, x, backends.Builder.Exp)
}

// Log implements backends.StandardOps (native for float32).
func (b *Builder) Log(x backends.Op) (backends.Op, error) {
	return b.unary("Log", kernels.Log, x, backends.Builder.Log)
}

func allOnes(s []int) bool {
	for _, v := range s {
		if v != 1 && v != 0 {
			return false
		}
	}
	return true
}

// ReduceWindow implements backends.StandardOps: float32 max and sum pooling without
// dilations run natively.
func (b *Builder) ReduceWindow(x backends.Op, reductionType backends.ReduceOpType,
	windowDimensions, strides, baseDilations, windowDilations []int, paddings [][2]int) (backends.Op, error) {
	wd, st, bd, wdl, pd := slices.Clone(windowDimensions), slices.Clone(strides), slices.Clone(baseDilations), slices.Clone(windowDilations), slices.Clone(paddings)
	replay := func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.ReduceWindow(in[0], reductionType, wd, st, bd, wdl, pd)
		return []backends.Op{o}, err
	}
	outs, err := b.record("ReduceWindow", []backends.Op{x}, 1, replay)
	if err != nil {
		return nil, err
	}
	v := outs[0].(*value)
	xs := v.node.inputs[0].shape
	if !nativeElementwise || xs.DType != dtypes.Float32 || !allOnes(bd) || !allOnes(wdl) ||
		(reductionType != backends.ReduceOpMax && reductionType != backends.ReduceOpSum) {
		return v, nil
	}
	r := xs.Rank()
	w := &kernels.Window{Dims: xs.Dimensions, Size: wd, Strides: ones(st, r), PadLow: make([]int, r), Out: v.shape.Dimensions}
	for d := 0; d < r && d < len(pd); d++ {
		w.PadLow[d] = pd[d][0]
	}
	v.node.kind, v.node.window = kindReduceWindow, w
	v.node.redOp = kernels.ReduceSum
	if reductionType == backends.ReduceOpMax {
		v.node.redOp = kernels.ReduceMax
	}
	return v, nil
}

// SelectAndScatterMax implements backends.StandardOps: natively for float32 (it does not
// need the inner backend to have it), else on the inner backend.
func (b *Builder) SelectAndScatterMax(operand, source backends.Op, windowDimensions, windowStrides []int, paddings [][2]int) (backends.Op, error) {
	wd, ws, pd := slices.Clone(windowDimensions), slices.Clone(windowStrides), slices.Clone(paddings)
	replay := func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.SelectAndScatterMax(in[0], in[1], wd, ws, pd)
		return []backends.Op{o}, err
	}
	vs, err := b.toValues("SelectAndScatterMax", []backends.Op{operand, source})
	if err != nil {
		return nil, err
	}
	xs, ss := vs[0].shape, vs[1].shape
	if !nativeElementwise || xs.DType != dtypes.Float32 || ss.DType != dtypes.Float32 {
		outs, err := b.record("SelectAndScatterMax", []backends.Op{operand, source}, 1, replay)
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	r := xs.Rank()
	if len(wd) != r || ss.Rank() != r || (len(ws) != 0 && len(ws) != r) || (len(pd) != 0 && len(pd) != r) {
		return nil, fmt.Errorf("%s SelectAndScatterMax: operand %s, source %s, window %v, strides %v, paddings %v do not agree",
			Name, xs, ss, wd, ws, pd)
	}
	if len(ws) == 0 {
		ws = wd
	}
	w := &kernels.Window{Dims: xs.Dimensions, Size: wd, Strides: ws, PadLow: make([]int, r), Out: ss.Dimensions}
	for d := 0; d < r; d++ {
		hi := 0
		if len(pd) > 0 {
			w.PadLow[d], hi = pd[d][0], pd[d][1]
		}
		if want := (xs.Dimensions[d]+w.PadLow[d]+hi-wd[d])/ws[d] + 1; want != ss.Dimensions[d] {
			return nil, fmt.Errorf("%s SelectAndScatterMax: source %s does not match the %d windows of axis %d of operand %s",
				Name, ss, want, d, xs)
		}
	}
	return b.recordNative(&node{kind: kindSelectScatter, opName: "SelectAndScatterMax", inputs: vs, replay: replay, window: w}, xs)
}

// DotGeneral implements backends.StandardOps (native for float32, via the GEMM).
func (b *Builder) DotGeneral(lhs backends.Op, lhsContractingAxes, lhsBatchAxes []int, rhs backends.Op, rhsContractingAxes, rhsBatchAxes []int) (backends.Op, error) {
	lc, lb, rc, rb := slices.Clone(lhsContractingAxes), slices.Clone(lhsBatchAxes), slices.Clone(rhsContractingAxes), slices.Clone(rhsBatchAxes)
	return b.recordMaybeNative("DotGeneral", []backends.Op{lhs, rhs}, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.DotGeneral(in[0], lc, lb, in[1], rc, rb)
		return []backends.Op{o}, err
	}, kindDot, func(n *node) { n.dot = [4][]int{lc, lb, rc, rb} })
}

// Slice implements backends.StandardOps (native for float32: a strided copy).
func (b *Builder) Slice(x backends.Op, starts, limits, strides []int) (backends.Op, error) {
	st, li, sd := slices.Clone(starts), slices.Clone(limits), slices.Clone(strides)
	return b.recordMaybeNative("Slice", []backends.Op{x}, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.Slice(in[0], st, li, sd)
		return []backends.Op{o}, err
	}, kindSlice, func(n *node) { n.slice = [2][]int{st, ones(sd, len(st))} })
}

// Concatenate implements backends.StandardOps (native for float32: one parallel copy).
func (b *Builder) Concatenate(axis int, operands ...backends.Op) (backends.Op, error) {
	return b.recordMaybeNative("Concatenate", slices.Clone(operands), func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.Concatenate(axis, in...)
		return []backends.Op{o}, err
	}, kindConcat, func(n *node) { n.axes = []int{axis} })
}

// runMore executes the unary, pooling and dot nodes.
func runMore(n *node, ins [][]float32, out []float32) error {
	switch n.kind {
	case kindUnary:
		kernels.Unary(n.unOp, out, ins[0])
		return nil
	case kindReduceWindow:
		return kernels.ReduceWindow(n.redOp, out, ins[0], n.window)
	case kindSelectScatter:
		return kernels.SelectAndScatterMax(out, ins[0], ins[1], n.window)
	case kindPad:
		return kernels.Pad(out, ins[0], n.inputs[0].shape.Dimensions, n.outputs[0].shape.Dimensions, n.axes, ins[1][0])
	case kindIota:
		return kernels.Iota(out, n.outputs[0].shape.Dimensions, n.axes[0])
	case kindSlice:
		xs := n.inputs[0].shape
		rm := kernels.RowMajorStrides(xs.Dimensions)
		st := make([]int, len(rm))
		off := 0
		for d := range rm {
			off += n.slice[0][d] * rm[d]
			st[d] = rm[d] * n.slice[1][d]
		}
		return kernels.Copy(out, n.outputs[0].shape.Dimensions, ins[0][off:], st)
	case kindConcat:
		axis := n.axes[0]
		dims := n.outputs[0].shape.Dimensions
		outer := 1
		for _, d := range dims[:axis] {
			outer *= d
		}
		widths := make([]int, len(ins))
		for i, in := range n.inputs {
			if outer > 0 {
				widths[i] = in.shape.Size() / outer
			}
		}
		return kernels.Concat(out, outer, ins, widths)
	case kindDot:
		return kernels.DotGeneral(out, ins[0], n.inputs[0].shape.Dimensions, n.dot[0], n.dot[1],
			ins[1], n.inputs[1].shape.Dimensions, n.dot[2], n.dot[3])
	}
	return fmt.Errorf("unknown native node kind %d", n.kind)
}
