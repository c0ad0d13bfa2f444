package kernels

import (
	"fmt"
	"testing"
)

// naiveReverse is the definition of Reverse, element by element.
func naiveReverse(src []float32, dims, axes []int) []float32 {
	dst := make([]float32, len(src))
	st := RowMajorStrides(dims)
	idx := make([]int, len(dims))
	for o := range dst {
		off := 0
		for d, i := range idx {
			for _, a := range axes {
				if a == d {
					i = dims[d] - 1 - i
				}
			}
			off += i * st[d]
		}
		dst[o] = src[off]
		incIndex(idx, dims)
	}
	return dst
}

// TestReverseCollapsed checks Reverse against the definition where axes of size 1 are
// dropped and neighbouring axes merged (kernel reversals of 3×1 and 1×3 kernels).
func TestReverseCollapsed(t *testing.T) {
	cases := []struct {
		dims, axes []int
	}{
		{[]int{5, 4, 3, 1}, []int{2, 3}},
		{[]int{5, 4, 1, 3}, []int{2, 3}},
		{[]int{3, 4, 3, 3, 3}, []int{2, 3, 4}},
		{[]int{2, 1, 3, 1, 4}, []int{0, 2, 4}},
		{[]int{2, 3, 4}, []int{0}},
		{[]int{1, 1, 1}, []int{0, 2}},
		{[]int{6, 1}, []int{1}},
		{[]int{7}, []int{0}},
		{[]int{2, 3, 4}, nil},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v/%v", tc.dims, tc.axes), func(t *testing.T) {
			n := prod(tc.dims)
			src := make([]float32, n)
			for i := range src {
				src[i] = float32(i)
			}
			dst := make([]float32, n)
			if err := Reverse(dst, src, tc.dims, tc.axes); err != nil {
				t.Fatal(err)
			}
			want := naiveReverse(src, tc.dims, tc.axes)
			for i := range want {
				if dst[i] != want[i] {
					t.Fatalf("element %d: got %v, want %v", i, dst[i], want[i])
				}
			}
		})
	}
}
