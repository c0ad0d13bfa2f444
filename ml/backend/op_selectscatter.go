package backend

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/backends"
)

// SelectAndScatterMax implements backends.Builder: for every window of operand (as in
// a max-pool with the given window, strides and paddings) the matching source value is
// added at the position of the window's first maximum. This is the max-pool gradient.
func (b *Builder) SelectAndScatterMax(operand, source backends.Op, windowDimensions, windowStrides []int, paddings [][2]int) (backends.Op, error) {
	return b.selectAndScatter(operand, source, windowDimensions, windowStrides, paddings, false)
}

// SelectAndScatterMin implements backends.Builder like SelectAndScatterMax, selecting
// each window's first minimum.
func (b *Builder) SelectAndScatterMin(operand, source backends.Op, windowDimensions, windowStrides []int, paddings [][2]int) (backends.Op, error) {
	return b.selectAndScatter(operand, source, windowDimensions, windowStrides, paddings, true)
}

// selectAndScatter visits every offset k inside the window: the strided slice of the
// (padded) operand at k holds, for each output position, the window's element k. The
// first k equal to the window's extreme gets the source value, which is put back in
// place with an interior Pad. The composition is exact for overlapping windows too.
func (b *Builder) selectAndScatter(operand, source backends.Op, window, strides []int, paddings [][2]int, isMin bool) (backends.Op, error) {
	c := &composer{b: b.Builder}
	xs, ss := c.shape(operand), c.shape(source)
	if c.err != nil {
		return nil, c.err
	}
	rank := xs.Rank()
	if len(window) != rank || ss.Rank() != rank {
		return nil, fmt.Errorf("SelectAndScatter: operand %s, source %s and window %v must have the same rank", xs, ss, window)
	}
	if len(strides) == 0 {
		strides = window
	}
	if len(strides) != rank || (len(paddings) != 0 && len(paddings) != rank) {
		return nil, fmt.Errorf("SelectAndScatter: strides %v / paddings %v do not match rank %d", strides, paddings, rank)
	}
	pads := make([]backends.PadAxis, rank)
	padded := slices.Clone(xs.Dimensions)
	for i := range pads {
		if len(paddings) > 0 {
			pads[i] = backends.PadAxis{Start: paddings[i][0], End: paddings[i][1]}
		}
		padded[i] += pads[i].Start + pads[i].End
		if need := (ss.Dimensions[i]-1)*strides[i] + window[i]; need > padded[i] {
			return nil, fmt.Errorf("SelectAndScatter: source %s does not fit operand %s with window %v, strides %v, paddings %v",
				ss, xs, window, strides, paddings)
		}
	}
	fillValue := xs.DType.LowestValue()
	if isMin {
		fillValue = xs.DType.HighestValue()
	}
	fill := c.keep(b.Builder.Constant(sliceOf(xs.DType, fillValue)))
	fill = c.reshape(fill)
	x := operand
	if len(paddings) > 0 {
		x = c.keep(b.Pad(operand, fill, pads...))
	}
	// All window offsets, in row-major order.
	var offsets [][]int
	for k := 0; k < prod(window); k++ {
		off, r := make([]int, rank), k
		for i := rank - 1; i >= 0; i-- {
			off[i], r = r%window[i], r/window[i]
		}
		offsets = append(offsets, off)
	}
	elems := make([]backends.Op, len(offsets))
	var extreme backends.Op
	for j, off := range offsets {
		limits := make([]int, rank)
		for i := range limits {
			limits[i] = off[i] + (ss.Dimensions[i]-1)*strides[i] + 1
		}
		elems[j] = c.slice(x, off, limits, strides)
		switch {
		case j == 0:
			extreme = elems[j]
		case isMin:
			extreme = c.binary(c.b.Min, extreme, elems[j])
		default:
			extreme = c.binary(c.b.Max, extreme, elems[j])
		}
	}
	zero := c.reshape(c.keep(b.Builder.Constant(sliceOf(ss.DType, 0))))
	zeros := c.broadcast(zero, ss.Dimensions)
	var taken, result backends.Op
	for j, off := range offsets {
		hit := c.binary(c.b.Equal, elems[j], extreme)
		sel := hit
		if taken != nil {
			sel = c.binary(c.b.LogicalAnd, hit, c.unary(c.b.LogicalNot, taken))
			taken = c.binary(c.b.LogicalOr, taken, hit)
		} else {
			taken = hit
		}
		contrib := c.keep(c.b.Where(sel, source, zeros))
		back := make([]backends.PadAxis, rank)
		for i := range back {
			used := (ss.Dimensions[i]-1)*strides[i] + 1
			back[i] = backends.PadAxis{Start: off[i], End: padded[i] - off[i] - used, Interior: strides[i] - 1}
		}
		spread := c.keep(b.Pad(contrib, zero, back...))
		if result == nil {
			result = spread
		} else {
			result = c.binary(c.b.Add, result, spread)
		}
	}
	if len(paddings) > 0 {
		trim := make([]backends.PadAxis, rank)
		for i := range trim {
			trim[i] = backends.PadAxis{Start: -pads[i].Start, End: -pads[i].End}
		}
		result = c.keep(b.Pad(result, zero, trim...))
	}
	return result, c.err
}
