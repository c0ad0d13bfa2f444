package kernels

import "fmt"

// ParallelGemm is Gemm split over Workers() goroutines along the larger of n and m.
func ParallelGemm(m, n, k int, a, b, c Mat, accumulate bool) {
	w := Workers()
	if w <= 1 || 2*float64(m)*float64(n)*float64(k) < 1e6 {
		Gemm(m, n, k, a, b, c, accumulate)
		return
	}
	if n >= m {
		parts := min(w, ceilDiv(n, NR))
		ParallelFor(parts, func(_, p int) {
			j0, j1 := p*n/parts/NR*NR, (p+1)*n/parts/NR*NR
			if p == parts-1 {
				j1 = n
			}
			bb, cc := b, c
			bb.Off += j0 * b.CS
			cc.Off += j0 * c.CS
			Gemm(m, j1-j0, k, a, bb, cc, accumulate)
		})
		return
	}
	parts := min(w, ceilDiv(m, MR))
	ParallelFor(parts, func(_, p int) {
		i0, i1 := p*m/parts/MR*MR, (p+1)*m/parts/MR*MR
		if p == parts-1 {
			i1 = m
		}
		aa, cc := a, c
		aa.Off += i0 * a.RS
		cc.Off += i0 * c.RS
		Gemm(i1-i0, n, k, aa, b, cc, accumulate)
	})
}

// MulReduceSum computes dst = Σ_axes a·b without materializing the product: a and b are
// read with element strides over dims (0 broadcasts), and dst is row-major over the
// axes not reduced. It handles the pattern GoMLX's DotGeneral gradient emits (a
// broadcast product followed by a sum) as a batched GEMM: kept axes read by both operands
// are batch axes, kept axes read by one are its free axes, reduced axes read by both are
// contracted. It returns false, doing nothing, for any other pattern.
func MulReduceSum(dst []float32, dims, axes []int, a []float32, as []int, b []float32, bs []int) (bool, error) {
	if len(as) != len(dims) || len(bs) != len(dims) {
		return false, fmt.Errorf("kernels.MulReduceSum: dims %v, strides %v and %v", dims, as, bs)
	}
	red := make([]bool, len(dims))
	for _, ax := range axes {
		if ax < 0 || ax >= len(dims) {
			return false, fmt.Errorf("kernels.MulReduceSum: axis %d out of range for dims %v", ax, dims)
		}
		red[ax] = true
	}
	var batch, mAx, nAx, kAx []int
	for d, n := range dims {
		if n == 1 {
			continue
		}
		za, zb := as[d] == 0, bs[d] == 0
		switch {
		case !red[d] && !za && !zb:
			batch = append(batch, d)
		case !red[d] && !za && zb:
			mAx = append(mAx, d)
		case !red[d] && za && !zb:
			nAx = append(nAx, d)
		case red[d] && !za && !zb:
			kAx = append(kAx, d)
		default:
			return false, nil
		}
	}
	size := func(ax []int) int {
		p := 1
		for _, d := range ax {
			p *= dims[d]
		}
		return p
	}
	Bt, M, N, K := size(batch), size(mAx), size(nAx), size(kAx)
	if M*N < 4*MR {
		// Too small a GEMM tile to pay for the gathers: stream the product once.
		return true, mulReduceStream(dst, dims, red, a, as, b, bs)
	}
	var keptDims []int
	for d, n := range dims {
		if !red[d] {
			keptDims = append(keptDims, n)
		}
	}
	if len(dst) != prod(keptDims) {
		return false, fmt.Errorf("kernels.MulReduceSum: %d destination elements for kept dims %v", len(dst), keptDims)
	}
	gather := func(src []float32, st []int, order ...[]int) []float32 {
		var dd, ss []int
		for _, group := range order {
			for _, d := range group {
				dd = append(dd, dims[d])
				ss = append(ss, st[d])
			}
		}
		out := getBuf(prod(dd)) // fully written by Copy
		if len(dd) == 0 {
			out[0] = src[0]
			return out
		}
		_ = Copy(out, dd, src, ss)
		return out
	}
	ap := gather(a, as, batch, mAx, kAx)
	bp := gather(b, bs, batch, kAx, nAx)
	defer putBuf(ap)
	defer putBuf(bp)
	t := getBuf(Bt * M * N) // fully written by the GEMMs
	defer putBuf(t)
	if Bt == 1 {
		ParallelGemm(M, N, K, RowMajor(ap, 0, K), RowMajor(bp, 0, N), RowMajor(t, 0, N), false)
	} else {
		ParallelFor(Bt, func(_, i int) {
			Gemm(M, N, K, RowMajor(ap, i*M*K, K), RowMajor(bp, i*K*N, N), RowMajor(t, i*M*N, N), false)
		})
	}
	// Scatter t [batch…, m…, n…] into dst (kept axes in their original order).
	var tDims []int
	for _, group := range [][]int{batch, mAx, nAx} {
		for _, d := range group {
			tDims = append(tDims, dims[d])
		}
	}
	tStrides := RowMajorStrides(tDims)
	pos := map[int]int{}
	i := 0
	for _, group := range [][]int{batch, mAx, nAx} {
		for _, d := range group {
			pos[d] = tStrides[i]
			i++
		}
	}
	st := make([]int, len(keptDims))
	k := 0
	for d := range dims {
		if !red[d] {
			st[k] = pos[d] // 0 for size-1 kept axes
			k++
		}
	}
	if len(keptDims) == 0 {
		dst[0] = t[0]
		return true, nil
	}
	return true, Copy(dst, keptDims, t, st)
}

// mulReduceStream computes dst = Σ_red a·b in one pass over the product's index space,
// accumulating in float64 per goroutine.
func mulReduceStream(dst []float32, dims []int, red []bool, a []float32, as []int, b []float32, bs []int) error {
	var keptDims []int
	for d, n := range dims {
		if !red[d] {
			keptDims = append(keptDims, n)
		}
	}
	ks := RowMajorStrides(keptDims)
	ds := make([]int, len(dims))
	k := 0
	for d := range dims {
		if !red[d] {
			ds[d] = ks[k]
			k++
		}
	}
	cd, cs := collapse(dims, as, bs, ds)
	last := len(cd) - 1
	inner := cd[last]
	sa, sb, sd := cs[0][last], cs[1][last], cs[2][last]
	rows := prod(cd) / inner
	parts := 1
	if w := Workers(); rows*inner >= parallelMin && w > 1 && rows > 1 {
		parts = min(rows, w)
	}
	accs := make([][]float64, parts)
	ParallelFor(parts, func(_, p int) {
		acc := make([]float64, len(dst))
		off := make([]int, 3)
		for r := p * rows / parts; r < (p+1)*rows/parts; r++ {
			offsets(r, cd, cs, off)
			x, y := a[off[0]:], b[off[1]:]
			if sd == 0 {
				var s float32
				switch {
				case sa == 1 && sb == 1:
					s = dot32(x[:inner], y)
				default:
					for i := 0; i < inner; i++ {
						s += x[i*sa] * y[i*sb]
					}
				}
				acc[off[2]] += float64(s)
				continue
			}
			o := acc[off[2]:]
			for i := 0; i < inner; i++ {
				o[i*sd] += float64(x[i*sa] * y[i*sb])
			}
		}
		accs[p] = acc
	})
	for i := range dst {
		s := 0.0
		for _, acc := range accs {
			s += acc[i]
		}
		dst[i] = float32(s)
	}
	return nil
}
