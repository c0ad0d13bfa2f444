package fast

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// fuseMinSize is the smallest output (in elements) a fused run may have. Small runs
// (an optimizer's update of a bias or a norm's scale: ten ops on 64 values) are fused
// too: one step instead of one per op saves each op's fixed cost (about 3 µs).
const fuseMinSize = 1

// fuseChunk is the number of elements each chained op handles at a time in a fused
// group: small enough that the chunks of all intermediates stay in L1/L2.
const fuseChunk = 4096

// fusionEnabled switches element-wise fusion on; tests turn it off to compare.
var fusionEnabled = true

func fusible(n *node) bool {
	switch n.kind {
	case kindBinary, kindUnary, kindBroadcast, kindWhere, kindCompare:
		return n.outputs[0].shape.Size() >= fuseMinSize
	}
	return false
}

// fuseElementwise merges runs of consecutive single-node groups of fusible element-wise
// ops with the same output dimensions into one group, run chunk by chunk (fusedStep):
// intermediates used only inside the run are never written to memory in full.
func fuseElementwise(groups [][]*node) [][]*node {
	if !fusionEnabled {
		return groups
	}
	var out [][]*node
	var run []*node
	flush := func() {
		switch len(run) {
		case 0:
		case 1:
			out = append(out, []*node{run[0]})
		default:
			out = append(out, run)
		}
		run = nil
	}
	for _, g := range groups {
		if len(g) == 1 && fusible(g[0]) {
			if len(run) > 0 && !slices.Equal(run[0].outputs[0].shape.Dimensions, g[0].outputs[0].shape.Dimensions) {
				flush()
			}
			run = append(run, g[0])
			continue
		}
		flush()
		out = append(out, g)
	}
	flush()
	return out
}

// isFused reports whether a group is a fused element-wise run.
func isFused(g []*node) bool { return len(g) > 1 && g[0].kind != kindInner }

// fusedStep is the compiled form of a fused group.
type fusedStep struct {
	dims     []int
	size     int
	nodes    []*node
	ranged   []*kernels.Ranged
	internal map[int]int // value id → index of its per-worker chunk buffer
	masks    map[int]int // bool value id (a comparison's result) → index of its chunk mask
}

func newFusedStep(g []*node, s *step) *fusedStep {
	f := &fusedStep{dims: g[0].outputs[0].shape.Dimensions, nodes: g, internal: map[int]int{}, masks: map[int]int{}}
	f.size = g[0].outputs[0].shape.Size()
	outs := map[int]bool{}
	for _, id := range s.outs {
		outs[id] = true
	}
	S := g[0].outputs[0].shape
	for _, n := range g {
		if o := n.outputs[0]; !outs[o.id] && o.shape.DType == dtypes.Bool {
			f.masks[o.id] = len(f.masks)
		} else if !outs[o.id] {
			f.internal[o.id] = len(f.internal)
		}
		switch n.kind {
		case kindBinary:
			f.ranged = append(f.ranged, kernels.NewRangedBinary(n.binOp, S.Dimensions,
				operandStrides(n.inputs[0].shape, S), operandStrides(n.inputs[1].shape, S)))
		case kindUnary:
			f.ranged = append(f.ranged, kernels.NewRangedUnary(n.unOp, S.Dimensions))
		case kindBroadcast:
			f.ranged = append(f.ranged, kernels.NewRangedCopy(S.Dimensions, broadcastStrides(n.inputs[0].shape, S, n.axes)))
		case kindWhere:
			f.ranged = append(f.ranged, kernels.NewRangedWhere(S.Dimensions, scalarOrStrides(n.inputs[0].shape, S),
				scalarOrStrides(n.inputs[1].shape, S), scalarOrStrides(n.inputs[2].shape, S)))
		case kindCompare:
			f.ranged = append(f.ranged, kernels.NewRangedCompare(n.cmpOp, S.Dimensions,
				scalarOrStrides(n.inputs[0].shape, S), scalarOrStrides(n.inputs[1].shape, S)))
		}
	}
	return f
}

// scalarOrStrides returns the strides reading operand in for output shape out: all zero
// for a one-element operand (of any rank: Where and comparisons take those as scalars),
// else operandStrides.
func scalarOrStrides(in, out shapes.Shape) []int {
	if in.Size() == 1 {
		return make([]int, out.Rank())
	}
	return operandStrides(in, out)
}

// broadcastStrides returns the strides reading x for BroadcastInDim(x, out, axes).
func broadcastStrides(xs, os shapes.Shape, axes []int) []int {
	rm := kernels.RowMajorStrides(xs.Dimensions)
	st := make([]int, os.Rank())
	for i, a := range axes {
		if xs.Dimensions[i] == os.Dimensions[a] {
			st[a] = rm[i]
		}
	}
	return st
}

// runFused executes a fused group: its external outputs are allocated in full, its
// internal values only as per-worker chunk buffers.
func (e *Executable) runFused(s *step, bufs []backends.Buffer, dev backends.DeviceNum) ([]backends.Buffer, error) {
	f := s.fused
	inner := e.builder.backend.Backend
	full := map[int][]float32{}
	fullMask := map[int][]bool{}
	keep := func(id int, flat any) {
		if m, ok := flat.([]bool); ok {
			fullMask[id] = m
		} else {
			full[id] = flat.([]float32)
		}
	}
	for _, id := range s.ins {
		flat, err := inner.BufferData(bufs[id])
		if err != nil {
			return nil, err
		}
		keep(id, flat)
	}
	outBufs := make([]backends.Buffer, len(s.outs))
	for i, id := range s.outs {
		buf, flat, err := e.builder.backend.recycle.get(inner, dev, e.builder.values[id].shape)
		if err != nil {
			for _, b := range outBufs[:i] {
				e.builder.backend.recycle.put(inner, b)
			}
			return nil, err
		}
		outBufs[i] = buf
		keep(id, flat)
	}
	nChunks := (f.size + fuseChunk - 1) / fuseChunk
	scratch := make([][][]float32, kernels.Workers())
	scratchMask := make([][][]bool, kernels.Workers())
	kernels.ParallelFor(nChunks, func(worker, c int) {
		if scratch[worker] == nil {
			scratch[worker] = make([][]float32, len(f.internal))
			for i := range scratch[worker] {
				scratch[worker][i] = make([]float32, min(fuseChunk, f.size))
			}
			scratchMask[worker] = make([][]bool, len(f.masks))
			for i := range scratchMask[worker] {
				scratchMask[worker][i] = make([]bool, min(fuseChunk, f.size))
			}
		}
		loc, locMask := scratch[worker], scratchMask[worker]
		e0 := c * fuseChunk
		e1 := min(f.size, e0+fuseChunk)
		view := func(id int) kernels.Operand {
			if k, ok := f.internal[id]; ok {
				return kernels.Operand{Data: loc[k], Base: -e0}
			}
			if k, ok := f.masks[id]; ok {
				return kernels.Operand{Mask: locMask[k], Base: -e0}
			}
			if m, ok := fullMask[id]; ok {
				return kernels.Operand{Mask: m}
			}
			return kernels.Operand{Data: full[id]}
		}
		ops := make([]kernels.Operand, 0, 2)
		for i, n := range f.nodes {
			ops = ops[:0]
			for _, in := range n.inputs {
				ops = append(ops, view(in.id))
			}
			dst := view(n.outputs[0].id)
			if n.kind == kindCompare {
				f.ranged[i].RunMask(dst.Mask, dst.Base, ops, e0, e1)
			} else {
				f.ranged[i].Run(dst.Data, dst.Base, ops, e0, e1)
			}
		}
	})
	return outBufs, nil
}
