package kernels

import (
	"fmt"
	"testing"
)

// TestFillLast checks the gather of one im2col row against its definition
// (row[t] = line[x] where x·idil = (start+t)·step + c, 0 elsewhere) over strides,
// input dilations, offsets and row lengths on both sides of the line.
func TestFillLast(t *testing.T) {
	g := &geometry{}
	const size = 7
	line := make([]float32, size)
	for i := range line {
		line[i] = float32(i + 1)
	}
	for _, step := range []int{1, 2, 3} {
		for _, idil := range []int{1, 2, 3} {
			for _, c := range []int{-9, -4, -1, 0, 1, 3, 8} {
				for _, start := range []int{0, 2, 5} {
					for _, n := range []int{0, 1, 4, 13} {
						name := fmt.Sprintf("step%d/idil%d/c%d/start%d/n%d", step, idil, c, start, n)
						row := make([]float32, n)
						for i := range row {
							row[i] = -1 // must be overwritten
						}
						g.fillLast(row, line, start, step, c, idil, size)
						for tt := range row {
							var want float32
							xp := (start+tt)*step + c
							if xp >= 0 && xp%idil == 0 && xp/idil < size {
								want = line[xp/idil]
							}
							if row[tt] != want {
								t.Fatalf("%s: row[%d] = %v, want %v (row %v)", name, tt, row[tt], want, row)
							}
						}
					}
				}
			}
		}
	}
}
