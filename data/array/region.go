package array

import "fmt"

// Crop returns a copy of the box [start, start+size) of a. start and size have one
// entry per axis; the box must lie inside the array.
func (a *Array) Crop(start, size []int) (*Array, error) {
	if len(start) != a.Rank() || len(size) != a.Rank() {
		return nil, fmt.Errorf("array: crop start %v / size %v do not match shape %v", start, size, a.Shape)
	}
	for i := range start {
		if start[i] < 0 || size[i] < 0 || start[i]+size[i] > a.Shape[i] {
			return nil, fmt.Errorf("array: crop box start %v size %v leaves shape %v", start, size, a.Shape)
		}
	}
	out := New(size...)
	CopyBox(out, make([]int, len(size)), a, start, size)
	return out, nil
}

// CopyBox copies the box of extent size from src at srcStart into dst at dstStart.
// Both boxes must be inside their arrays and the ranks must agree; callers check.
func CopyBox(dst *Array, dstStart []int, src *Array, srcStart []int, size []int) {
	r := len(size)
	if r == 0 {
		if len(src.Data) > 0 && len(dst.Data) > 0 {
			dst.Data[0] = src.Data[0]
		}
		return
	}
	for _, s := range size {
		if s == 0 {
			return
		}
	}
	ds, ss := dst.Strides(), src.Strides()
	idx := make([]int, r-1)
	row := size[r-1]
	for {
		do, so := dstStart[r-1], srcStart[r-1]
		for i := 0; i < r-1; i++ {
			do += (dstStart[i] + idx[i]) * ds[i]
			so += (srcStart[i] + idx[i]) * ss[i]
		}
		copy(dst.Data[do:do+row], src.Data[so:so+row])
		k := r - 2
		for k >= 0 {
			idx[k]++
			if idx[k] < size[k] {
				break
			}
			idx[k] = 0
			k--
		}
		if k < 0 {
			return
		}
	}
}
