package kernels

import (
	"fmt"
	"slices"
)

// Reverse copies src (row-major with dimensions dims) into dst with the given axes
// reversed. dst and src must both have prod(dims) elements and must not overlap.
func Reverse(dst, src []float32, dims, axes []int) error {
	n := prod(dims)
	if len(dst) != n || len(src) != n {
		return fmt.Errorf("kernels.Reverse: dims %v need %d elements, got src %d, dst %d", dims, n, len(src), len(dst))
	}
	rev := make([]bool, len(dims))
	for _, a := range axes {
		if a < 0 || a >= len(dims) {
			return fmt.Errorf("kernels.Reverse: axis %d out of range for rank %d", a, len(dims))
		}
		rev[a] = true
	}
	if n == 0 {
		return nil
	}
	dims, rev = collapseReverse(dims, rev)
	strides := make([]int, len(dims))
	st := 1
	for d := len(dims) - 1; d >= 0; d-- {
		strides[d] = st
		st *= dims[d]
	}
	last := len(dims) - 1
	if last < 0 {
		dst[0] = src[0]
		return nil
	}
	inner := dims[last]
	if rev[last] && !slices.Contains(rev[:last], true) {
		// Only the last (collapsed) axis is reversed: rows in place, no index arithmetic
		// (a [128 128 3 1] kernel is 16 384 rows of 3).
		for o := 0; o < n; o += inner {
			d, s := dst[o:o+inner], src[o:o+inner]
			for t := range d {
				d[t] = s[inner-1-t]
			}
		}
		return nil
	}
	idx := make([]int, len(dims))
	for o := 0; o < n; o += inner {
		// Source offset of the outer axes.
		off := 0
		for d := 0; d < last; d++ {
			i := idx[d]
			if rev[d] {
				i = dims[d] - 1 - i
			}
			off += i * strides[d]
		}
		if rev[last] {
			for t := 0; t < inner; t++ {
				dst[o+t] = src[off+inner-1-t]
			}
		} else {
			copy(dst[o:o+inner], src[off:off+inner])
		}
		for d := last - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < dims[d] {
				break
			}
			idx[d] = 0
		}
	}
	return nil
}

// collapseReverse drops the axes of size 1 and merges neighbouring axes that are both
// reversed or both kept (reversing two adjacent axes reverses their flattened index), so
// that a kernel reversal such as [128 128 3 1] over axes {2, 3} becomes [16384 3] over
// axis 1: long rows instead of one-element ones.
func collapseReverse(dims []int, rev []bool) ([]int, []bool) {
	var cd []int
	var cr []bool
	for d, v := range dims {
		switch {
		case v == 1:
		case len(cd) > 0 && cr[len(cr)-1] == rev[d]:
			cd[len(cd)-1] *= v
		default:
			cd, cr = append(cd, v), append(cr, rev[d])
		}
	}
	if len(cd) == 0 {
		return []int{1}, []bool{false}
	}
	return cd, cr
}
