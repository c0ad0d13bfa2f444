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
// It finds the valid t directly (no division per element): this gather is the whole
// im2col cost of strided convolutions and of their input gradients (input dilation).
func (g *geometry) fillLast(row, line []float32, start, step, c, idil, size int) {
	xp := start*step + c // idil·x at t = 0
	if idil == 1 {
		lo, hi := validRange(xp, step, size, len(row))
		if lo == hi {
			clear(row)
			return
		}
		clear(row[:lo])
		if step == 1 {
			copy(row[lo:hi], line[xp+lo:xp+hi])
		} else {
			x := xp + lo*step
			for t := lo; t < hi; t++ {
				row[t] = line[x]
				x += step
			}
		}
		clear(row[hi:])
		return
	}
	clear(row)
	// Valid t: xp + t·step ≥ 0, divisible by idil, and /idil < size. The divisible ones
	// repeat every period = idil/gcd(step, idil) taps, x advancing by step·period/idil.
	lo, hi := validRange(xp, step, size*idil-(idil-1), len(row))
	t := lo
	for ; t < hi && (xp+t*step)%idil != 0; t++ {
	}
	if t >= hi {
		return
	}
	period := idil / gcd(step, idil)
	dx := step * period / idil
	for x := (xp + t*step) / idil; t < hi; t += period {
		row[t] = line[x]
		x += dx
	}
}

// validRange returns [lo, hi): the t in [0, n) with 0 ≤ base + t·step < limit (step ≥ 1).
func validRange(base, step, limit, n int) (lo, hi int) {
	if base < 0 {
		lo = ceilDiv(-base, step)
	}
	hi = 0
	if limit > base {
		hi = ceilDiv(limit-base, step)
	}
	hi = min(hi, n)
	lo = min(lo, hi)
	return lo, hi
}

// gcd returns the greatest common divisor of a, b ≥ 1.
func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
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

// unitInputDilations reports whether input dilations are all 1.
func (g *geometry) unitInputDilations() bool {
	for _, d := range g.idil {
		if d != 1 {
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

// phased reports whether the convolution has stride 1 and no kernel dilation but some
// input dilation: the input gradient of a strided convolution (see convPhases).
func (g *geometry) phased() bool {
	dilated := false
	for d := range g.stride {
		if g.stride[d] != 1 || g.kdil[d] != 1 {
			return false
		}
		dilated = dilated || g.idil[d] != 1
	}
	return dilated
}

// tapPhased reports whether the convolution has stride 1 and no input dilation but some
// kernel dilation: the kernel gradient of a strided convolution (see convTapPhases).
func (g *geometry) tapPhased() bool {
	dilated := false
	for d := range g.stride {
		if g.stride[d] != 1 || g.idil[d] != 1 {
			return false
		}
		dilated = dilated || g.kdil[d] != 1
	}
	return dilated
}
