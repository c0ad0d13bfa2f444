package infer

import (
	"context"
	"fmt"
	"testing"
)

// TestEachBatchOwnRegions: the own regions of EachBatch's windows partition
// the padded image (every voxel owned once), each lies inside its window, the
// windows are Predict's (same count, same content) and, with a grid, start on
// multiples of it.
func TestEachBatchOwnRegions(t *testing.T) {
	cases := []struct {
		shape []int
		opt   Options
	}{
		{[]int{1, 37, 53}, Options{Window: []int{16, 16}, Overlap: 0.25}},
		{[]int{2, 40, 33}, Options{Window: []int{16, 8}, Overlap: 0.5, BatchSize: 3, FixedBatch: true}},
		{[]int{1, 50, 50}, Options{Window: []int{16, 16}, Overlap: 0.25, Grid: []int{8, 8}}},
		{[]int{1, 64, 64}, Options{Window: []int{16, 16}, Overlap: 0.9, Grid: []int{4, 4}, BatchSize: 4}},
		{[]int{1, 64, 64}, Options{Window: []int{32, 16}, Overlap: 0}},
		{[]int{1, 9, 20, 21}, Options{Window: []int{8, 8, 8}, Overlap: 0.5, BatchSize: 2, Grid: []int{2, 4, 4}}},
		{[]int{1, 5, 7}, Options{Window: []int{16, 16}}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.shape, tc.opt.Window, tc.opt.Overlap, tc.opt.Grid), func(t *testing.T) {
			x := random(tc.shape, 3)
			padded := tc.opt.padded(tc.shape[1:])
			count := make([]int, prod(padded))
			st := strides(padded)
			win := tc.opt.Window
			winN := prod(win)
			seen := 0
			err := EachBatch(context.Background(), x, tc.shape, tc.opt, func(b WindowBatch) error {
				if b.Total != tc.opt.WindowCount(tc.shape[1:]) {
					t.Fatalf("total %d windows, WindowCount says %d", b.Total, tc.opt.WindowCount(tc.shape[1:]))
				}
				for k := 0; k < b.Shape[0]; k++ {
					own := b.Own[k*winN : (k+1)*winN]
					if k >= b.Windows {
						for _, v := range own {
							if v != 0 {
								t.Fatalf("padding window %d owns voxels", k)
							}
						}
						continue
					}
					pos := windowStarts(padded, win, tc.opt.Overlap, tc.opt.grid)[b.First+k]
					for a, p := range pos {
						if p%tc.opt.grid(a) != 0 {
							t.Fatalf("window at %v is off the grid %v", pos, tc.opt.Grid)
						}
					}
					idx := make([]int, len(win))
					for _, v := range own {
						if v == 1 {
							off := 0
							for a := range idx {
								off += (pos[a] + idx[a]) * st[a]
							}
							count[off]++
						}
						increment(idx, win)
					}
				}
				seen += b.Windows
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if seen != tc.opt.WindowCount(tc.shape[1:]) {
				t.Fatalf("%d windows handed out, want %d", seen, tc.opt.WindowCount(tc.shape[1:]))
			}
			for i, c := range count {
				if c != 1 {
					t.Fatalf("voxel %d of the padded image %v owned %d times", i, padded, c)
				}
			}
		})
	}
}
