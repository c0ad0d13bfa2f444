package backend

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// clampedStarts converts the scalar start indices to one int32 vector [rank], each
// clamped to [0, dims[i]-sizes[i]] as XLA specifies.
func (c *composer) clampedStarts(starts []backends.Op, dims, sizes []int) backends.Op {
	parts := make([]backends.Op, len(starts))
	for i, s := range starts {
		if sh := c.shape(s); c.err == nil && !sh.IsScalar() {
			c.err = fmt.Errorf("start index #%d must be a scalar, got %s", i, sh)
		}
		v := c.keep(c.b.ConvertDType(s, dtypes.Int32))
		lo := c.constant([]int32{0})
		hi := c.constant([]int32{int32(dims[i] - sizes[i])})
		v = c.reshape(v, 1)
		v = c.binary(c.b.Max, lo, c.binary(c.b.Min, hi, v))
		parts[i] = v
	}
	return c.concat(0, parts...)
}

// DynamicSlice implements backends.Builder with one Gather of a sliceDims-sized window
// at the clamped start position.
func (b *Builder) DynamicSlice(operand backends.Op, startIndices []backends.Op, sliceDims []int) (backends.Op, error) {
	c := &composer{b: b.Builder}
	s := c.shape(operand)
	if c.err != nil {
		return nil, c.err
	}
	if len(startIndices) != s.Rank() || len(sliceDims) != s.Rank() {
		return nil, fmt.Errorf("DynamicSlice: operand %s needs %d start indices and slice sizes, got %d and %v",
			s, s.Rank(), len(startIndices), sliceDims)
	}
	for i, d := range sliceDims {
		if d < 0 || d > s.Dimensions[i] {
			return nil, fmt.Errorf("DynamicSlice: slice size %d out of range for axis %d of %s", d, i, s)
		}
	}
	idx := c.clampedStarts(startIndices, s.Dimensions, sliceDims)
	all := iotaInts(s.Rank())
	return c.keep(c.b.Gather(operand, idx, 0, all, nil, all, sliceDims, false)), c.err
}

// DynamicUpdateSlice implements backends.Builder: every operand position gathers the
// update element at (position - start), and an iota mask selects it where the update
// lies. (simplego's ScatterSum misplaces multi-row update windows, so it is not used.)
func (b *Builder) DynamicUpdateSlice(operand, update backends.Op, startIndices []backends.Op) (backends.Op, error) {
	c := &composer{b: b.Builder}
	s, us := c.shape(operand), c.shape(update)
	if c.err != nil {
		return nil, c.err
	}
	if len(startIndices) != s.Rank() || us.Rank() != s.Rank() || us.DType != s.DType {
		return nil, fmt.Errorf("DynamicUpdateSlice: operand %s, update %s and %d start indices do not match",
			s, us, len(startIndices))
	}
	for i, d := range us.Dimensions {
		if d > s.Dimensions[i] {
			return nil, fmt.Errorf("DynamicUpdateSlice: update %s larger than operand %s on axis %d", us, s, i)
		}
	}
	if us.Size() == 0 {
		return operand, nil
	}
	rank := s.Rank()
	idx := c.clampedStarts(startIndices, s.Dimensions, us.Dimensions)
	all := iotaInts(rank)
	colDims := append(append([]int(nil), s.Dimensions...), 1)
	var mask backends.Op
	cols := make([]backends.Op, rank)
	for i := range all {
		io := c.keep(c.b.Iota(shapes.Make(dtypes.Int32, s.Dimensions...), i))
		st := c.slice(idx, []int{i}, []int{i + 1}, nil)
		lo := c.broadcast(c.reshape(st), s.Dimensions)
		rel := c.binary(c.b.Sub, io, lo) // position inside the update
		size := c.broadcast(c.reshape(c.constant([]int32{int32(us.Dimensions[i])}, 1)), s.Dimensions)
		zero := c.broadcast(c.reshape(c.constant([]int32{0}, 1)), s.Dimensions)
		in := c.binary(c.b.LogicalAnd, c.binary(c.b.GreaterOrEqual, rel, zero), c.binary(c.b.LessThan, rel, size))
		if mask == nil {
			mask = in
		} else {
			mask = c.binary(c.b.LogicalAnd, mask, in)
		}
		cols[i] = c.reshape(rel, colDims...) // out-of-range values are clamped by Gather and masked
	}
	indices := c.concat(rank, cols...)
	ones := make([]int, rank)
	for i := range ones {
		ones[i] = 1
	}
	gathered := c.keep(c.b.Gather(update, indices, rank, nil, all, all, ones, false))
	return c.keep(c.b.Where(mask, gathered, operand)), c.err
}
