package backend

import (
	"slices"

	"fmt"
	"github.com/gomlx/gomlx/backends"
)

// Pad implements backends.Builder with XLA semantics: per axis, Interior copies of
// fillValue between elements first, then Start/End (negative values trim) at the edges.
// It is composed of Reshape, Concatenate, BroadcastInDim and Slice.
func (b *Builder) Pad(x, fillValue backends.Op, axesConfig ...backends.PadAxis) (backends.Op, error) {
	c := &composer{b: b.Builder}
	s := c.shape(x)
	if c.err != nil {
		return nil, c.err
	}
	if len(axesConfig) > s.Rank() {
		return nil, fmt.Errorf("Pad: %d axes configured for shape %s", len(axesConfig), s)
	}
	if fs := c.shape(fillValue); c.err == nil && (!fs.IsScalar() || fs.DType != s.DType) {
		return nil, fmt.Errorf("Pad: fill value must be a %s scalar, got %s", s.DType, fs)
	}
	// The result's dims; when the operand contributes nothing (an empty operand, or an
	// axis trimmed away), the result is only fill: simplego cannot concatenate empty arrays.
	final := slices.Clone(s.Dimensions)
	empty := false
	for axis, p := range axesConfig {
		n := final[axis]
		if n == 0 {
			empty = true
			final[axis] = max(p.Start+p.End, 0)
			continue
		}
		grown := n + (n-1)*max(p.Interior, 0)
		if kept := grown - max(-p.Start, 0) - max(-p.End, 0); kept <= 0 {
			empty = true
		}
		final[axis] = grown + p.Start + p.End
	}
	for axis := len(axesConfig); axis < len(final); axis++ {
		empty = empty || final[axis] == 0
	}
	if empty {
		for axis, d := range final {
			if d < 0 {
				return nil, fmt.Errorf("Pad: padding %+v leaves a negative size on axis %d of %s", axesConfig[axis], axis, s)
			}
		}
		return c.broadcast(fillValue, final), c.err
	}
	dims := slices.Clone(s.Dimensions)
	for axis, p := range axesConfig {
		if p.Interior < 0 {
			return nil, fmt.Errorf("Pad: negative interior padding %d on axis %d", p.Interior, axis)
		}
		if p.Interior > 0 && dims[axis] > 1 {
			x, dims = c.padInterior(x, fillValue, dims, axis, p.Interior)
		}
		if p.Start < 0 || p.End < 0 {
			start, end := max(-p.Start, 0), dims[axis]-max(-p.End, 0)
			if end < start {
				return nil, fmt.Errorf("Pad: trimming %d and %d from axis %d of size %d leaves nothing",
					-p.Start, -p.End, axis, dims[axis])
			}
			starts, limits := make([]int, len(dims)), slices.Clone(dims)
			starts[axis], limits[axis] = start, end
			x = c.slice(x, starts, limits, nil)
			dims[axis] = end - start
		}
		var parts []backends.Op
		if p.Start > 0 {
			fd := slices.Clone(dims)
			fd[axis] = p.Start
			parts = append(parts, c.broadcast(fillValue, fd))
		}
		parts = append(parts, x)
		if p.End > 0 {
			fd := slices.Clone(dims)
			fd[axis] = p.End
			parts = append(parts, c.broadcast(fillValue, fd))
		}
		x = c.concat(axis, parts...)
		dims[axis] += max(p.Start, 0) + max(p.End, 0)
	}
	return x, c.err
}

// padInterior inserts k fill values between consecutive elements along axis.
func (c *composer) padInterior(x, fill backends.Op, dims []int, axis, k int) (backends.Op, []int) {
	n := dims[axis]
	pre, post := prod(dims[:axis]), prod(dims[axis+1:])
	x = c.reshape(x, pre, n, 1, post)
	gaps := c.broadcast(fill, []int{pre, n, k, post})
	x = c.concat(2, x, gaps)
	x = c.reshape(x, pre, n*(1+k), post)
	newN := (n-1)*(1+k) + 1
	x = c.slice(x, []int{0, 0, 0}, []int{pre, newN, post}, nil)
	out := slices.Clone(dims)
	out[axis] = newN
	return c.reshape(x, out...), out
}
