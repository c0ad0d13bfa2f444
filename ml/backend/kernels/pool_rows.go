package kernels

import "math"

// Row-wise pooling for the common case (every window inside the array, windows not
// overlapping, e.g. 2×2 or 2×2×2 max-pool with stride 2): instead of a callback per
// window with its offsets, each output row (all axes but the last fixed) is walked with
// plain index arithmetic. The window elements are visited in the same row-major order
// as Window.visit, so "first maximum" ties resolve identically.

// rowsPlan is the precomputed geometry of a row-wise pooling.
type rowsPlan struct {
	rows    int   // output rows: prod(Out[:n-1])
	outLast int   // Out[n-1]
	sizeX   int   // window size along the last axis
	strideX int   // window stride along the last axis (elements)
	rel     []int // offsets of the window's rows (all window axes but the last) from its origin
	w       *Window
	st      []int // row-major strides of Dims
}

// rowsPlanFor returns the plan, or false when the windows overlap or read padding.
func rowsPlanFor(w *Window) (rowsPlan, bool) {
	n := len(w.Dims)
	if n == 0 || !w.inside() {
		return rowsPlan{}, false
	}
	for d := 0; d < n; d++ {
		if w.Strides[d] < w.Size[d] {
			return rowsPlan{}, false
		}
	}
	st := RowMajorStrides(w.Dims)
	p := rowsPlan{rows: prod(w.Out[:n-1]), outLast: w.Out[n-1], sizeX: w.Size[n-1], strideX: w.Strides[n-1], w: w, st: st}
	k := make([]int, n-1)
	for t := 0; t < prod(w.Size[:n-1]); t++ {
		off := 0
		for d := 0; d < n-1; d++ {
			off += k[d] * st[d]
		}
		p.rel = append(p.rel, off)
		incIndex(k, w.Size[:n-1])
	}
	return p, true
}

// rowBase returns the flat offset of the first window origin of output row r.
func (p *rowsPlan) rowBase(r int) int {
	n := len(p.w.Dims)
	base := 0
	for d := n - 2; d >= 0; d-- {
		i := r % p.w.Out[d]
		r /= p.w.Out[d]
		base += i * p.w.Strides[d] * p.st[d]
	}
	return base
}

// argmaxRows writes, for every window q of output rows [r0, r1), the flat offset of its
// first maximum in src to best[q − r0·outLast].
func (p *rowsPlan) argmaxRows(src []float32, r0, r1 int, best []int32) {
	rel, sizeX, strideX, outLast := p.rel, p.sizeX, p.strideX, p.outLast
	k := 0
	for r := r0; r < r1; r++ {
		base := p.rowBase(r)
		for x := 0; x < outLast; x++ {
			o := base + x*strideX
			b := o + rel[0]
			bv := src[b]
			for _, rl := range rel {
				row := src[o+rl : o+rl+sizeX]
				for t, v := range row {
					// A conditional move and a max instead of an unpredictable branch.
					// NaNs never win, as in the plain comparison loop (and max would
					// propagate them): skipping them is a branch that is always predicted.
					if v != v {
						continue
					}
					if v > bv {
						b = o + rl + t
					}
					bv = max(bv, v)
				}
			}
			best[k] = int32(b)
			k++
		}
	}
}

// maxRows writes the maximum of every window of output rows [r0, r1) to dst (indexed
// by window), with Go's max: a NaN in a window makes its maximum NaN.
func (p *rowsPlan) maxRows(dst, src []float32, r0, r1 int) {
	rel, sizeX, strideX, outLast := p.rel, p.sizeX, p.strideX, p.outLast
	for r := r0; r < r1; r++ {
		base := p.rowBase(r)
		d := dst[r*outLast : (r+1)*outLast]
		for x := range d {
			o := base + x*strideX
			m := float32(math.Inf(-1))
			for _, rl := range rel {
				for _, v := range src[o+rl : o+rl+sizeX] {
					m = max(m, v)
				}
			}
			d[x] = m
		}
	}
}

// poolRows runs argmaxRows over all output rows in parallel and calls use(q0, best)
// for each block of windows starting at q0.
func (p *rowsPlan) poolRows(src []float32, use func(q0 int, best []int32)) {
	forRows(p.rows, p.outLast*prod(p.w.Size), func(r0, r1 int) {
		const block = 64 // rows per argmax block
		best := make([]int32, block*p.outLast)
		for b0 := r0; b0 < r1; b0 += block {
			b1 := min(r1, b0+block)
			bb := best[:(b1-b0)*p.outLast]
			p.argmaxRows(src, b0, b1, bb)
			use(b0*p.outLast, bb)
		}
	})
}
