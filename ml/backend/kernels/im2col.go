package kernels

// geometry holds the per-axis constants of a convolution used to lower it to a matrix.
type geometry struct {
	in, kernel, out         []int // spatial sizes
	stride, kdil, idil, pad []int
	inStrides               []int // row-major element strides of the input's spatial axes
}

func newGeometry(s *ConvSpec) *geometry {
	n := len(s.OutSpatial)
	g := &geometry{in: s.InSpatial, kernel: s.KernelSpatial, out: s.OutSpatial,
		stride: make([]int, n), kdil: make([]int, n), idil: make([]int, n), pad: make([]int, n),
		inStrides: make([]int, n)}
	st := 1
	for d := n - 1; d >= 0; d-- {
		g.stride[d], g.kdil[d], g.idil[d] = at(s.Strides, d), at(s.KernelDilations, d), at(s.InputDilations, d)
		if d < len(s.PadLow) {
			g.pad[d] = s.PadLow[d]
		}
		g.inStrides[d] = st
		st *= s.InSpatial[d]
	}
	return g
}

// fillPositions writes, for the fixed kernel tap kIdx, the input values seen by output
// positions [q0, q1) (flat row-major over the output's spatial axes) into dst.
func (g *geometry) fillPositions(dst, plane []float32, kIdx []int, q0, q1 int) {
	n := len(g.out)
	var consts [8]int
	for d := 0; d < n; d++ {
		consts[d] = kIdx[d]*g.kdil[d] - g.pad[d]
	}
	g.fillRow(dst, plane, g.out, g.stride, consts[:n], q0, q1)
}

// fillTaps writes, for the fixed output position qIdx, the input values under kernel taps
// [k0, k1) (flat row-major over the kernel's spatial axes) into dst.
func (g *geometry) fillTaps(dst, plane []float32, qIdx []int, k0, k1 int) {
	n := len(g.out)
	var consts [8]int
	for d := 0; d < n; d++ {
		consts[d] = qIdx[d]*g.stride[d] - g.pad[d]
	}
	g.fillRow(dst, plane, g.kernel, g.kdil, consts[:n], k0, k1)
}

// fillRow walks the flat range [v0, v1) of a row-major multi-index v over dims and writes
// plane at input position x_d = (v_d·step_d + consts_d) / idil_d, or 0 where that position is
// outside the input or off the input-dilation grid.
func (g *geometry) fillRow(dst, plane []float32, dims, step, consts []int, v0, v1 int) {
	n := len(dims)
	var idx [8]int
	rem := v0
	for d := n - 1; d >= 0; d-- {
		idx[d] = rem % dims[d]
		rem /= dims[d]
	}
	last := n - 1
	pos := 0
	for v := v0; v < v1; {
		// Offset and validity of the outer axes.
		off, ok := 0, true
		for d := 0; d < last; d++ {
			x := idx[d]*step[d] + consts[d]
			if id := g.idil[d]; id != 1 {
				if x%id != 0 {
					ok = false
					break
				}
				x /= id
			}
			if x < 0 || x >= g.in[d] {
				ok = false
				break
			}
			off += x * g.inStrides[d]
		}
		cnt := min(dims[last]-idx[last], v1-v)
		row := dst[pos : pos+cnt]
		if !ok {
			clear(row)
		} else {
			g.fillLast(row, plane[off:], idx[last], step[last], consts[last], g.idil[last], g.in[last])
		}
		pos += cnt
		v += cnt
		idx[last] = 0
		for d := last - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < dims[d] {
				break
			}
			idx[d] = 0
		}
	}
}

// fillLast fills row[t] = line[x] with x·idil = (start+t)·step + c, or 0 off the input.
func (g *geometry) fillLast(row, line []float32, start, step, c, idil, size int) {
	if step == 1 && idil == 1 {
		// x = start + t + c: valid for t in [lo, hi).
		base := start + c
		lo := max(0, -base)
		hi := min(len(row), size-base)
		if hi <= lo {
			clear(row)
			return
		}
		clear(row[:lo])
		copy(row[lo:hi], line[base+lo:base+hi])
		clear(row[hi:])
		return
	}
	for t := range row {
		xp := (start+t)*step + c
		x := xp / idil
		if xp < 0 || xp%idil != 0 || x >= size {
			row[t] = 0
		} else {
			row[t] = line[x]
		}
	}
}

// unitStrides reports whether strides and input dilations are all 1.
func (g *geometry) unitStrides() bool {
	for d := range g.stride {
		if g.stride[d] != 1 || g.idil[d] != 1 {
			return false
		}
	}
	return true
}

// unitKernelDilations reports whether kernel dilations are all 1.
func (g *geometry) unitKernelDilations() bool {
	for _, d := range g.kdil {
		if d != 1 {
			return false
		}
	}
	return true
}
