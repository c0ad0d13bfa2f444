package kernels

import (
	"fmt"
	"testing"
)

func TestPadAgainstNaive(t *testing.T) {
	cases := []struct {
		in, low, high []int
		fill          float32
	}{
		{[]int{4, 1, 5, 6}, []int{0, 0, 1, 1}, []int{0, 0, 1, 1}, 0},
		{[]int{2, 3, 7}, []int{1, -1, 2}, []int{2, 0, -3}, 1.5},
		{[]int{9}, []int{-2}, []int{3}, -1},
		{[]int{3, 4}, []int{-4, 0}, []int{2, 0}, 0}, // the first axis cropped away entirely
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v/%v/%v", tc.in, tc.low, tc.high), func(t *testing.T) {
			n := len(tc.in)
			outDims := make([]int, n)
			for d := range outDims {
				outDims[d] = tc.in[d] + tc.low[d] + tc.high[d]
			}
			src := make([]float32, prod(tc.in))
			for i := range src {
				src[i] = float32(i + 1)
			}
			got := make([]float32, prod(outDims))
			for i := range got {
				got[i] = 99 // must be overwritten
			}
			if err := Pad(got, src, tc.in, outDims, tc.low, tc.fill); err != nil {
				t.Fatal(err)
			}
			ist := RowMajorStrides(tc.in)
			idx := make([]int, n)
			for o := range got {
				want, off := float32(tc.fill), 0
				inside := true
				for d := range idx {
					x := idx[d] - tc.low[d]
					inside = inside && x >= 0 && x < tc.in[d]
					off += x * ist[d]
				}
				if inside {
					want = src[off]
				}
				if got[o] != want {
					t.Fatalf("output %v: got %v, want %v", idx, got[o], want)
				}
				incIndex(idx, outDims)
			}
		})
	}
	if err := Pad(make([]float32, 4), make([]float32, 3), []int{3}, []int{4}, []int{1, 0}, 0); err == nil {
		t.Error("offsets of the wrong rank accepted")
	}
}

func TestIota(t *testing.T) {
	got := make([]float32, 2*3*2)
	if err := Iota(got, []int{2, 3, 2}, 1); err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if err := Iota(got, []int{2, 3, 2}, 3); err == nil {
		t.Error("axis 3 of rank 3 accepted")
	}
}
