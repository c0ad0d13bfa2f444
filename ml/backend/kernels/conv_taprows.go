package kernels

// convTapRows is the kernel-gradient lowering for wide inputs (at least NR of the
// "batch" axis, i.e. the forward pass's input channels) on the in-place micro-kernel
// (microRowsB, AVX-512). In the forward pass's terms it computes, per output tap t,
//
//	dW[o][cin][t] = Σ_{sample, q} dy[sample][o][q] · x[sample][cin][t·stride + q·kdil − pad]
//
// as one GEMM per tap: A = dy (o × positions), and B's row for position (sample, q) is
// the NR input channels at that input position, read in place from a channels-last,
// zero-padded copy of x (xT) at a per-tap offset. This is the forward lowering's access
// pattern (convShiftedPanels): B rows stay in L1 while every row block of A passes over
// them, only valid positions are summed (no padding columns), and each work item (a tap
// and NR input channels, all output channels) owns its outputs, so nothing is summed
// across workers. Strides and dilations only change the row offsets. The packed taps
// lowering (convTapsPacked) reaches 45–55 % of the forward pass's rate on the same
// shapes; this one about the forward's.
func convTapRows(s *ConvSpec, g *geometry, in, kernel, out []float32,
	rows func(kc int, a, b []float32, rowOff []int, tile *[MR * NR]float32)) {
	n := len(s.OutSpatial)
	Bt, C, O := s.Batch, s.InChannels, s.OutChannels  // forward: input channels, samples, output channels
	T, Q := prod(s.OutSpatial), prod(s.KernelSpatial) // taps, positions of dy per sample
	// Padded grid of x: padding g.pad before each axis, extent covering every read.
	pd := make([]int, n)
	for d := 0; d < n; d++ {
		pd[d] = max(s.InSpatial[d]+g.pad[d], (s.OutSpatial[d]-1)*g.stride[d]+(s.KernelSpatial[d]-1)*g.kdil[d]+1)
	}
	pst := RowMajorStrides(pd)
	plane := prod(pd)
	// xT[sample][padded position][cin], NR floats of slack (a tile reads NR channels).
	xT := getBuf(C*plane*Bt + NR)
	defer putBuf(xT)
	clear(xT[C*plane*Bt:])
	rowsPerPlane := plane / pd[n-1]
	ParallelFor(C*rowsPerPlane, func(_, item int) {
		c, r := item/rowsPerPlane, item%rowsPerPlane
		dst := xT[(c*plane+r*pd[n-1])*Bt : (c*plane+(r+1)*pd[n-1])*Bt]
		// Source row: the padded row's coordinates minus the padding, if inside x.
		so, ok, rem := 0, true, r
		ist := g.inStrides
		for d := n - 2; d >= 0; d-- {
			y := rem%pd[d] - g.pad[d]
			rem /= pd[d]
			if y < 0 || y >= s.InSpatial[d] {
				ok = false
				break
			}
			so += y * ist[d]
		}
		if !ok {
			clear(dst)
			return
		}
		lo, w := g.pad[n-1], s.InSpatial[n-1]
		clear(dst[:lo*Bt])
		clear(dst[(lo+w)*Bt:])
		transposeTo(dst[lo*Bt:], Bt, in[c*s.InChanStride+so:], s.InBatchStride, Bt, w)
	})
	// B row offsets of every (sample, position of dy), and each tap's shift.
	rowOff := make([]int, C*Q)
	idx := make([]int, n)
	for q := 0; q < Q; q++ {
		off := 0
		for d := 0; d < n; d++ {
			off += idx[d] * g.kdil[d] * pst[d]
		}
		for c := 0; c < C; c++ {
			rowOff[c*Q+q] = (c*plane + off) * Bt
		}
		incIndex(idx, s.KernelSpatial)
	}
	tapOff := make([]int, T)
	clear(idx)
	for t := range tapOff {
		off := 0
		for d := 0; d < n; d++ {
			off += idx[d] * g.stride[d] * pst[d]
		}
		tapOff[t] = off * Bt
		incIndex(idx, s.OutSpatial)
	}
	// A: dy packed in depth chunks that never cross a sample, ≤ tapRowsKC deep.
	type chunk struct{ c, q0, kc, at int }
	var chunks []chunk
	oPad := ceilDiv(O, MR) * MR
	nk := ceilDiv(Q, tapRowsKC)
	total := 0
	for c := 0; c < C; c++ {
		for k := 0; k < nk; k++ {
			q0, q1 := k*Q/nk, (k+1)*Q/nk
			chunks = append(chunks, chunk{c, q0, q1 - q0, total})
			total += oPad * (q1 - q0)
		}
	}
	ap := getBuf(total)
	defer putBuf(ap)
	ParallelFor(len(chunks), func(_, i int) {
		ch := chunks[i]
		packA(ap[ch.at:], Mat{Data: kernel, Off: ch.c * s.KernelInStride, RS: s.KernelOutStride, CS: 1}, 0, O, ch.q0, ch.kc)
	})
	// Work items: (tap, NR input channels), all output channels and positions each.
	nPan := ceilDiv(Bt, NR)
	ParallelFor(T*nPan, func(_, item int) {
		t, p := item/nPan, item%nPan
		acc := getBuf(oPad * NR)
		defer putBuf(acc)
		var tile [MR * NR]float32
		cm := Mat{Data: acc, RS: NR, CS: 1}
		b0 := xT[tapOff[t]+p*NR:]
		for i, ch := range chunks {
			ro := rowOff[ch.c*Q+ch.q0 : ch.c*Q+ch.q0+ch.kc]
			a := ap[ch.at:]
			for ir := 0; ir < O; ir += MR {
				rows(ch.kc, a[ir*ch.kc:], b0, ro, &tile)
				storeTile(&tile, cm, ir, 0, MR, NR, i > 0)
			}
		}
		for b := p * NR; b < min(Bt, (p+1)*NR); b++ {
			for o := 0; o < O; o++ {
				out[b*s.OutBatchStride+o*s.OutChanStride+t] = acc[o*NR+b-p*NR]
			}
		}
	})
}

// tapRowsKC is convTapRows' depth chunk: NR-float B rows of it (24 KiB) stay in L1.
const tapRowsKC = 192

// UseTapRows enables convTapRows; tests turn it off to check the other lowerings.
var UseTapRows = true

// tapRowsMaxA bounds convTapRows' packed A (output channels × samples × positions of
// dy), in floats: every work item streams all of it, so it must stay in L2 (1 MiB). A 3×3
// kernel gradient of 64 channels on 4 × 32² (2 MiB) ran 1.2× slower than convTapsPacked.
const tapRowsMaxA = 1 << 18

// tapRowsApplies reports whether convTapRows handles s: a kernel gradient (more taps in
// the "kernel" than outputs) of at least NR "batch" columns, without input dilation or
// negative padding, whose dy fits tapRowsMaxA, on the in-place micro-kernel.
func tapRowsApplies(s *ConvSpec, g *geometry) bool {
	if !UseTapRows || microRowsB() == nil || s.Batch < NR || prod(s.KernelSpatial) <= prod(s.OutSpatial) || !g.unitInputDilations() {
		return false
	}
	if ceilDiv(s.OutChannels, MR)*MR*s.InChannels*prod(s.KernelSpatial) > tapRowsMaxA {
		return false
	}
	for _, p := range g.pad {
		if p < 0 {
			return false
		}
	}
	return true
}

// transposeTo writes dst[x·ds + b] = src[b·ss + x] for b < rows, x < cols, in 8×8 tiles
// (contiguous reads of 8 along x, contiguous writes of 8 along b).
func transposeTo(dst []float32, ds int, src []float32, ss, rows, cols int) {
	b := 0
	for ; b+8 <= rows; b += 8 {
		x := 0
		for ; x+8 <= cols; x += 8 {
			var t [8][8]float32
			for i := range t {
				t[i] = *(*[8]float32)(src[(b+i)*ss+x:])
			}
			for j := 0; j < 8; j++ {
				w := (*[8]float32)(dst[(x+j)*ds+b:])
				w[0], w[1], w[2], w[3] = t[0][j], t[1][j], t[2][j], t[3][j]
				w[4], w[5], w[6], w[7] = t[4][j], t[5][j], t[6][j], t[7][j]
			}
		}
		for ; x < cols; x++ {
			for i := 0; i < 8; i++ {
				dst[x*ds+b+i] = src[(b+i)*ss+x]
			}
		}
	}
	for ; b < rows; b++ {
		for x := 0; x < cols; x++ {
			dst[x*ds+b] = src[b*ss+x]
		}
	}
}
