package fast

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// elementIndices reports whether a gather or scatter indexes single elements of a rank-1
// float32 operand with int32 indices [M…, 1] (the index vector last): the form of
// graph.Gather(table, idx) and graph.ScatterSum(base, idx, updates) on a flat table, as
// the Lovász histogram of loss.SpatialEmbedding uses them.
func elementIndices(operand, indices shapes.Shape, indexVectorAxis int, axes ...[]int) bool {
	if operand.DType != dtypes.Float32 || operand.Rank() != 1 || indices.DType != dtypes.Int32 ||
		indices.Rank() < 1 || indexVectorAxis != indices.Rank()-1 || indices.Dimensions[indexVectorAxis] != 1 {
		return false
	}
	for _, a := range axes {
		if !slices.Equal(a, []int{0}) {
			return false
		}
	}
	return true
}

// Gather implements backends.StandardOps: element gathers from a flat float32 table run
// natively (kernels.GatherElements), other forms on the inner backend.
func (b *Builder) Gather(operand, startIndices backends.Op, indexVectorAxis int, offsetOutputAxes, collapsedSliceAxes,
	startIndexMap, sliceSizes []int, indicesAreSorted bool) (backends.Op, error) {
	oa, ca, sm, ss := slices.Clone(offsetOutputAxes), slices.Clone(collapsedSliceAxes), slices.Clone(startIndexMap), slices.Clone(sliceSizes)
	outs, err := b.record("Gather", []backends.Op{operand, startIndices}, 1, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.Gather(in[0], in[1], indexVectorAxis, oa, ca, sm, ss, indicesAreSorted)
		return []backends.Op{o}, err
	})
	if err != nil {
		return nil, err
	}
	v := outs[0].(*value)
	ins := v.node.inputs
	if nativeElementwise && len(oa) == 0 && slices.Equal(ss, []int{1}) &&
		elementIndices(ins[0].shape, ins[1].shape, indexVectorAxis, ca, sm) && v.shape.Size() == ins[1].shape.Size() {
		v.node.kind = kindGather
	}
	return v, nil
}

// ScatterSum implements backends.StandardOps: element scatter-adds into a flat float32
// operand run natively (kernels.ScatterAddElements), other forms on the inner backend.
func (b *Builder) ScatterSum(operand, scatterIndices, updates backends.Op, indexVectorAxis int, updateWindowAxes,
	insertedWindowAxes, scatterAxesToOperandAxes []int, indicesAreSorted, uniqueIndices bool) (backends.Op, error) {
	uw, iw, sa := slices.Clone(updateWindowAxes), slices.Clone(insertedWindowAxes), slices.Clone(scatterAxesToOperandAxes)
	outs, err := b.record("ScatterSum", []backends.Op{operand, scatterIndices, updates}, 1, func(ib backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := ib.ScatterSum(in[0], in[1], in[2], indexVectorAxis, uw, iw, sa, indicesAreSorted, uniqueIndices)
		return []backends.Op{o}, err
	})
	if err != nil {
		return nil, err
	}
	v := outs[0].(*value)
	ins := v.node.inputs
	if nativeElementwise && len(uw) == 0 && elementIndices(ins[0].shape, ins[1].shape, indexVectorAxis, iw, sa) &&
		ins[2].shape.DType == dtypes.Float32 && ins[2].shape.Size() == ins[1].shape.Size() {
		v.node.kind = kindScatter
	}
	return v, nil
}

// runGatherScatter executes a native element gather (inputs table, indices) or
// scatter-add (inputs operand, indices, updates).
func (e *Executable) runGatherScatter(n *node, s *step, bufs []backends.Buffer, dev backends.DeviceNum) ([]backends.Buffer, error) {
	inner := e.builder.backend.Backend
	flats, err := inputFlats(inner, s, bufs)
	if err != nil {
		return nil, err
	}
	base, ok0 := flats[0].([]float32)
	idx, ok1 := flats[1].([]int32)
	var updates []float32
	ok2 := true
	if n.kind == kindScatter {
		updates, ok2 = flats[2].([]float32)
	}
	if !ok0 || !ok1 || !ok2 {
		return nil, fmt.Errorf("%s: inputs are %T, %T…, want []float32, []int32", n.opName, flats[0], flats[1])
	}
	buf, flat, err := e.builder.backend.recycle.get(inner, dev, n.outputs[0].shape)
	if err != nil {
		return nil, err
	}
	out := flat.([]float32)
	if n.kind == kindGather {
		err = kernels.GatherElements(out, base, idx)
	} else {
		err = kernels.ScatterAddElements(out, base, updates, idx)
	}
	if err != nil {
		_ = inner.BufferFinalize(buf)
		return nil, fmt.Errorf("%s: %w", n.opName, err)
	}
	return []backends.Buffer{buf}, nil
}
