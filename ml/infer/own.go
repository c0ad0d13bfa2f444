package infer

import "context"

// WindowBatch is one batch of windows that EachBatch hands out.
type WindowBatch struct {
	// In holds the windows, shaped Shape = [N, C, window...]; N is
	// Options.BatchSize with FixedBatch (zero windows pad the last batch).
	In    []float32
	Shape []int
	// Own, shaped [N, 1, window...], is 1 on the voxels each window owns and 0
	// elsewhere (and on padding windows): the own regions of all windows
	// partition the padded image, so a sum over them counts every voxel once.
	Own []float32
	// First is the index of the batch's first window, Windows how many real
	// windows it holds and Total how many windows cover the image.
	First, Windows, Total int
}

// EachBatch hands fn every batch of windows that Predict would run over the
// channel-first image x (shape [C, spatial...]) with opt, in the same order,
// each with the region it owns. Along each axis a window owns the voxels from
// the middle of its overlap with the previous window to the middle of its
// overlap with the next one (rounded down to Options.Grid), the first and last
// windows up to the image's ends; a window owns the product of its axes'
// intervals. Passes over the windows that must see each voxel once (such as
// statistics of the whole image) use it.
func EachBatch(ctx context.Context, x []float32, shape []int, opt Options, fn func(WindowBatch) error) error {
	t, err := newTiles(x, shape, opt)
	if err != nil {
		return err
	}
	win := opt.Window
	per := make([][]int, len(win)) // starts per axis
	lo := make([]map[int]int, len(win))
	hi := make([]map[int]int, len(win))
	for a := range win {
		per[a] = startsOn(t.padded[a], win[a], opt.Overlap, opt.grid(a))
		lo[a], hi[a] = ownIntervals(per[a], win[a], t.padded[a], opt.grid(a))
	}
	var own []float32
	return t.each(ctx, func(b0, n int, in []float32, inShape []int) error {
		own = resize(own, inShape[0]*t.winN)
		clear(own)
		for k := 0; k < n; k++ {
			st := t.positions[b0+k]
			box := own[k*t.winN : (k+1)*t.winN]
			idx := make([]int, len(win))
			for i := range box {
				inside := true
				for a := range win {
					p := st[a] + idx[a]
					inside = inside && p >= lo[a][st[a]] && p < hi[a][st[a]]
				}
				if inside {
					box[i] = 1
				}
				increment(idx, win)
			}
		}
		return fn(WindowBatch{In: in, Shape: inShape, Own: own, First: b0, Windows: n, Total: len(t.positions)})
	})
}

// ownIntervals returns, per window start of one axis (of padded length n), the
// interval [lo, hi) it owns: boundaries in the middle of neighbouring windows'
// overlaps, rounded down to the grid and never decreasing, so the intervals
// partition [0, n) and each lies inside its window.
func ownIntervals(starts []int, w, n, grid int) (lo, hi map[int]int) {
	lo, hi = map[int]int{}, map[int]int{}
	b := 0
	for j, s := range starts {
		lo[s] = b
		if j == len(starts)-1 {
			b = n
		} else {
			b = max(b, (s+w+starts[j+1])/2/grid*grid)
		}
		hi[s] = b
	}
	return lo, hi
}

// resize returns buf with length n, reallocated only when too small.
func resize(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}
