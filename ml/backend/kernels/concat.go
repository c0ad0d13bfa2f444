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
	if total >= concatChunk {
		concatLongRows(dst, outer, total, parts, widths)
		return nil
	}
	// Short rows: each work item copies a block of whole rows, all parts.
	rowsPer := concatChunk / max(total, 1)
	ParallelFor(ceilDiv(outer, rowsPer), func(_, k int) {
		r0, r1 := k*rowsPer, min(outer, (k+1)*rowsPer)
		if total <= 4 {
			// Rows of a few floats (ConvTranspose's zero insertion along the last axis
			// concatenates one-float rows): one strided pass per part.
			col := 0
			for i, w := range widths {
				for j := 0; j < w; j++ {
					src := parts[i][r0*w+j : r1*w]
					d := dst[r0*total+col+j:]
					for r := 0; r < r1-r0; r++ {
						d[r*total] = src[r*w]
					}
				}
				col += w
			}
			return
		}
		for r := r0; r < r1; r++ {
			d := dst[r*total : (r+1)*total]
			for i, w := range widths {
				src := parts[i][r*w : (r+1)*w]
				if w <= 4 {
					for j, v := range src {
						d[j] = v
					}
				} else {
					copy(d[:w], src)
				}
				d = d[w:]
			}
		}
	})
	return nil
}

// concatLongRows is Concat for rows of at least concatChunk floats: work items are pieces
// of at most concatChunk floats of one part's row.
func concatLongRows(dst []float32, outer, total int, parts [][]float32, widths []int) {
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
}
