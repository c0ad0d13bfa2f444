package backend

import (
	"slices"

	"fmt"
	"github.com/gomlx/gomlx/backends"
)

// Reverse implements backends.Builder: each listed axis is reversed by a Gather with
// the indices n-1, n-2, …, 0 along that axis.
func (b *Builder) Reverse(x backends.Op, axes ...int) (backends.Op, error) {
	c := &composer{b: b.Builder}
	s := c.shape(x)
	if c.err != nil {
		return nil, c.err
	}
	for _, axis := range axes {
		if axis < 0 || axis >= s.Rank() {
			return nil, fmt.Errorf("Reverse: axis %d out of range for shape %s", axis, s)
		}
		n := s.Dimensions[axis]
		if n <= 1 {
			continue
		}
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(n - 1 - i)
		}
		indices := c.constant(idx, n, 1)
		sizes := slices.Clone(s.Dimensions)
		sizes[axis] = 1
		x = c.keep(b.Builder.Gather(x, indices, 1, allBut(s.Rank(), axis), []int{axis}, []int{axis}, sizes, false))
	}
	return x, c.err
}
