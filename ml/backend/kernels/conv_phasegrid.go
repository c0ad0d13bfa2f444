package kernels

// phaseGrid lays a strided convolution's input out as stride phases on a zero-padded
// grid, so that every kernel tap reads a shifted view of one phase plane: the shifted
// lowering (convShifted) and the packed taps lowering (convTapsPacked) then handle
// strides and kernel dilations without an im2col matrix.
//
// Along each axis, tap t reads input x = step·q + v(t) with v(t) = t·mul − pad. Writing
// v(t) = step·a(t) + r(t) with 0 ≤ r < step, x = step·(q + a(t)) + r(t): phase r holds
// in[step·m + r], and on the padded grid (position m − min a) tap t reads position
// q + a(t) − min a. With step 1 there is one phase and this is plain zero padding.
type phaseGrid struct {
	pd, pst []int // padded grid of one phase plane, and its row-major strides
	plane   int   // elements of one phase plane
	nph     int   // phase planes per input plane (only the phases some tap reads)
	axes    []phaseGridAxis
	tapOff  []int // per tap (row-major): phase index · plane + offset on the padded grid
}

type phaseGridAxis struct {
	step, lo int   // stride between a phase's inputs; padding before (−min a)
	rs       []int // residues of the phases read, increasing
}

// newPhaseGrid builds the grid for taps (per-axis tap counts), mul and pad (v(t) = t·mul −
// pad), step (the stride of the reads) and out (outputs per axis; the padded grid spans
// out + max a − min a).
func newPhaseGrid(taps, mul, pad, step, out []int) *phaseGrid {
	n := len(taps)
	pg := &phaseGrid{pd: make([]int, n), axes: make([]phaseGridAxis, n), nph: 1}
	tapPhase, tapA := make([][]int, n), make([][]int, n)
	for d := 0; d < n; d++ {
		s := step[d]
		amin, amax := 0, 0
		used := make([]bool, s)
		tapPhase[d], tapA[d] = make([]int, taps[d]), make([]int, taps[d])
		for t := 0; t < taps[d]; t++ {
			v := t*mul[d] - pad[d]
			a := floorDiv(v, s)
			r := v - a*s
			used[r] = true
			tapPhase[d][t], tapA[d][t] = r, a
			if t == 0 || a < amin {
				amin = a
			}
			if t == 0 || a > amax {
				amax = a
			}
		}
		ax := phaseGridAxis{step: s, lo: -amin}
		index := make([]int, s)
		for r := 0; r < s; r++ {
			if used[r] {
				index[r] = len(ax.rs)
				ax.rs = append(ax.rs, r)
			}
		}
		for t := range tapPhase[d] {
			tapPhase[d][t] = index[tapPhase[d][t]]
			tapA[d][t] -= amin
		}
		pg.axes[d] = ax
		pg.pd[d] = out[d] + amax - amin
		pg.nph *= len(ax.rs)
	}
	pg.pst = RowMajorStrides(pg.pd)
	pg.plane = prod(pg.pd)
	pg.tapOff = make([]int, prod(taps))
	idx := make([]int, n)
	for t := range pg.tapOff {
		ph, off := 0, 0
		for d := 0; d < n; d++ {
			ph = ph*len(pg.axes[d].rs) + tapPhase[d][idx[d]]
			off += tapA[d][idx[d]] * pg.pst[d]
		}
		pg.tapOff[t] = ph*pg.plane + off
		incIndex(idx, taps)
	}
	return pg
}

// rowSources lists, for phase r of an input plane with dims in, the source offset of
// column c0 of every padded row (−1 for rows outside the input) and the columns [c0, c1)
// that read the input: dst[m] = src[step·(m − lo) + r] per axis.
func (pg *phaseGrid) rowSources(in, r []int) (src []int, c0, c1 int) {
	n := len(in)
	ist := RowMajorStrides(in)
	last := n - 1
	la := pg.axes[last]
	// Columns [c0, c1) of each padded row read inputs step·(c − lo) + r ∈ [0, in).
	c0 = max(0, la.lo)
	if in[last] > r[last] {
		c1 = la.lo + ceilDiv(in[last]-r[last], la.step)
	}
	c0 = min(c0, pg.pd[last])
	c1 = max(c0, min(c1, pg.pd[last]))
	src = make([]int, pg.plane/pg.pd[last])
	idx := make([]int, n)
	for row := range src {
		so, ok := (c0-la.lo)*la.step+r[last], c1 > c0
		for a := 0; a < last && ok; a++ {
			x := pg.axes[a].step*(idx[a]-pg.axes[a].lo) + r[a]
			ok = x >= 0 && x < in[a]
			so += x * ist[a]
		}
		src[row] = -1
		if ok {
			src[row] = so
		}
		for a := last - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < pg.pd[a] {
				break
			}
			idx[a] = 0
		}
	}
	return src, c0, c1
}

// phaseRows is the row plan of one phase plane (see rowSources).
type phaseRows struct {
	src    []int
	c0, c1 int
}

// plan returns the row plans of the nph phase planes of an input plane with dims in.
func (pg *phaseGrid) plan(in []int) []phaseRows {
	n := len(in)
	r, ri, counts := make([]int, n), make([]int, n), make([]int, n)
	for d := range counts {
		counts[d] = len(pg.axes[d].rs)
	}
	plans := make([]phaseRows, pg.nph)
	for ph := range plans {
		for d := range r {
			r[d] = pg.axes[d].rs[ri[d]]
		}
		p := &plans[ph]
		p.src, p.c0, p.c1 = pg.rowSources(in, r)
		incIndex(ri, counts)
	}
	return plans
}

// fill writes the phase planes of one input plane src into dst (nph·plane elements),
// every element once, following plans (from plan).
func (pg *phaseGrid) fill(dst, src []float32, plans []phaseRows) {
	rowLen := pg.pd[len(pg.pd)-1]
	step := pg.axes[len(pg.axes)-1].step
	for ph, p := range plans {
		base := dst[ph*pg.plane : (ph+1)*pg.plane]
		w := p.c1 - p.c0
		for row, so := range p.src {
			d := base[row*rowLen : (row+1)*rowLen]
			if so < 0 {
				clear(d)
				continue
			}
			clear(d[:p.c0])
			clear(d[p.c1:])
			dd := d[p.c0:p.c1]
			if step == 1 {
				copy(dd, src[so:so+w])
				continue
			}
			s := src[so : so+(w-1)*step+1]
			for i := range dd {
				dd[i] = s[i*step]
			}
		}
	}
}

// floorDiv is ⌊a/b⌋ for b > 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
