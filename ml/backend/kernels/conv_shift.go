package kernels

// convShifted handles convolutions without input dilation: the forward pass and input
// gradient of "same" convolutions, and strided forward convolutions. Each batch element's
// input is copied once into zero-padded phase planes (phaseGrid: one plane per channel at
// stride 1, one per stride phase read otherwise), and the GEMM reads every kernel tap as a
// shifted view of one of them. Outputs are computed over the padded grid (a few junk
// columns per row, dropped at the end), so no im2col matrix is ever built.
func convShifted(s *ConvSpec, g *geometry, in, kernel, out []float32) {
	if rows := microRowsB(); rows != nil && UsePanels {
		convShiftedPanels(s, g, in, kernel, out, rows)
		return
	}
	n := len(s.OutSpatial)
	O := s.OutChannels
	p := prepareShifted(s, g, in, kernel)
	defer p.release()
	pg, plane, rowOff, w, padded := p.pg, p.plane, p.rowOff, &p.w, p.padded
	C, CK := s.InChannels, len(rowOff)
	pst := pg.pst
	// Flat padded index range covering all valid outputs.
	jmax := 1
	for d := 0; d < n; d++ {
		jmax += (s.OutSpatial[d] - 1) * pst[d]
	}
	chunk := max(NR, min(jmax, maxScratch/CK)/NR*NR)
	if want := 2 * Workers(); s.Batch*ceilDiv(jmax, chunk) < want {
		chunk = max(NR, ceilDiv(ceilDiv(jmax, ceilDiv(want, s.Batch)), NR)*NR)
	}
	nChunks := ceilDiv(jmax, chunk)
	tmp := getBuf(s.Batch * O * jmax) // every element is written by the GEMM
	defer putBuf(tmp)
	ParallelFor(s.Batch*nChunks, func(_, item int) {
		b, j0 := item/nChunks, (item%nChunks)*chunk
		j1 := min(jmax, j0+chunk)
		base := padded[b*C*plane+j0:]
		GemmRowsB(w, j1-j0, base, rowOff, Mat{Data: tmp, Off: b*O*jmax + j0, RS: jmax, CS: 1}, false)
	})
	// Keep the valid outputs.
	ParallelFor(s.Batch*O, func(_, bo int) {
		b, o := bo/O, bo%O
		src := tmp[bo*jmax:]
		dst := out[b*s.OutBatchStride+o*s.OutChanStride:]
		idx := make([]int, n)
		last := s.OutSpatial[n-1]
		for q := 0; q < prod(s.OutSpatial); q += last {
			off := 0
			for d := 0; d < n-1; d++ {
				off += idx[d] * pst[d]
			}
			copy(dst[q:q+last], src[off:off+last])
			for d := n - 2; d >= 0; d-- {
				idx[d]++
				if idx[d] < s.OutSpatial[d] {
					break
				}
				idx[d] = 0
			}
		}
	})
}

// shiftedInput is what both forms of the shifted lowering prepare: the phase grid, the
// B row offsets (row (c, k) at c·plane + the tap's phase plane and shift), the weights
// packed whole, and every (batch, channel) input plane copied into its zero-padded phase
// planes, with NR floats of slack at the end (a tile reads NR columns from a row start).
type shiftedInput struct {
	pg      *phaseGrid
	plane   int // floats of all phase planes of one input plane
	rowOff  []int
	w       PackedA
	padded  []float32
	release func()
}

// prepareShifted prepares a shiftedInput for s; release returns its buffers.
func prepareShifted(s *ConvSpec, g *geometry, in, kernel []float32) *shiftedInput {
	C, O := s.InChannels, s.OutChannels
	K := prod(s.KernelSpatial)
	pg := newPhaseGrid(s.KernelSpatial, g.kdil, g.pad, g.stride, s.OutSpatial)
	plane := pg.nph * pg.plane
	rowOff := make([]int, C*K)
	for k := 0; k < K; k++ {
		for c := 0; c < C; c++ {
			rowOff[c*K+k] = c*plane + pg.tapOff[k]
		}
	}
	wbuf := getBuf(PackedALen(O, C*K))
	w := PackWholeA(canonicalKernel(s, kernel), O, C*K, wbuf)
	padded := getBuf(s.Batch*C*plane + NR)
	clear(padded[s.Batch*C*plane:])
	plans := pg.plan(s.InSpatial)
	ParallelFor(s.Batch*C, func(_, bc int) {
		b, c := bc/C, bc%C
		pg.fill(padded[bc*plane:(bc+1)*plane], in[b*s.InBatchStride+c*s.InChanStride:], plans)
	})
	return &shiftedInput{pg: pg, plane: plane, rowOff: rowOff, w: w, padded: padded,
		release: func() { putBuf(wbuf); putBuf(padded) }}
}

// padPlane copies one spatial plane src (dims in) into dst (dims pd) at offset padLow per
// axis (negative padding crops), writing every element of dst once: zeros around and
// between the copied rows.
func padPlane(dst, src []float32, in, pd, padLow []int) { padPlaneFill(dst, src, in, pd, padLow, 0) }

// padPlaneFill is padPlane with fill instead of zeros around the copied rows.
func padPlaneFill(dst, src []float32, in, pd, padLow []int, fill float32) {
	n := len(in)
	ist := RowMajorStrides(in)
	last := n - 1
	// Columns [c0, c1) of each padded row come from input columns [c0-padLow, c1-padLow).
	c0 := max(0, padLow[last])
	c1 := min(pd[last], in[last]+padLow[last])
	rowLen := pd[last]
	idx := make([]int, n) // padded multi-index of the current row (last axis unused)
	for r := 0; r < len(dst)/rowLen; r++ {
		row := dst[r*rowLen : (r+1)*rowLen]
		so, ok := 0, c1 > c0
		for d := 0; d < last && ok; d++ {
			y := idx[d] - padLow[d]
			if y < 0 || y >= in[d] {
				ok = false
			}
			so += y * ist[d]
		}
		if !ok {
			fillValue(row, fill)
		} else {
			fillValue(row[:c0], fill)
			copy(row[c0:c1], src[so+c0-padLow[last]:so+c1-padLow[last]])
			fillValue(row[c1:], fill)
		}
		for d := last - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < pd[d] {
				break
			}
			idx[d] = 0
		}
	}
}

// canonicalKernel returns the kernel as an O×(C·K) matrix view, copying it into a
// row-major buffer only when its channel axes are not laid out as [O][C][K…].
func canonicalKernel(s *ConvSpec, kernel []float32) Mat {
	C, O, K := s.InChannels, s.OutChannels, prod(s.KernelSpatial)
	CK := C * K
	if s.KernelInStride == K {
		return Mat{Data: kernel, RS: s.KernelOutStride, CS: 1}
	}
	packed := make([]float32, O*CK)
	for o := 0; o < O; o++ {
		for c := 0; c < C; c++ {
			src := o*s.KernelOutStride + c*s.KernelInStride
			copy(packed[(o*C+c)*K:(o*C+c+1)*K], kernel[src:src+K])
		}
	}
	return RowMajor(packed, 0, CK)
}

// fillValue sets every element of x to v (clear for zero).
func fillValue(x []float32, v float32) {
	if v == 0 {
		clear(x)
		return
	}
	for i := range x {
		x[i] = v
	}
}
