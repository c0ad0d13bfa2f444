package kernels

import "fmt"

// concatChunk is the most floats one work item of Concat copies.
const concatChunk = 1 << 16

// Concat writes the concatenation of parts along one axis into dst. With the axes before
// the concatenated one flattened to outer and the rest (the axis included) to one row,
// part i is outer×widths[i] row-major and fills columns [Σ_{j<i} widths[j], …) of every
// row of dst (outer×Σ widths). Copies run in parallel, in pieces of at most concatChunk.
func Concat(dst []float32, outer int, parts [][]float32, widths []int) error {
	if len(parts) != len(widths) {
		return fmt.Errorf("kernels.Concat: %d parts, %d widths", len(parts), len(widths))
	}
	total := 0
	for i, w := range widths {
		if w < 0 || len(parts[i]) != outer*w {
			return fmt.Errorf("kernels.Concat: part %d has %d elements, want %d×%d", i, len(parts[i]), outer, w)
		}
		total += w
	}
	if len(dst) != outer*total {
		return fmt.Errorf("kernels.Concat: destination has %d elements, want %d×%d", len(dst), outer, total)
	}
	// Work items: (row, part, piece of the part's row).
	type item struct{ row, part, from, to, col int }
	var items []item
	for r := 0; r < outer; r++ {
		col := 0
		for i, w := range widths {
			for a := 0; a < w; a += concatChunk {
				items = append(items, item{r, i, a, min(w, a+concatChunk), col})
			}
			col += w
		}
	}
	ParallelFor(len(items), func(_, k int) {
		it := items[k]
		w := widths[it.part]
		base := it.row*total + it.col
		copy(dst[base+it.from:base+it.to], parts[it.part][it.row*w+it.from:it.row*w+it.to])
	})
	return nil
}
