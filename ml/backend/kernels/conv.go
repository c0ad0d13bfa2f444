package kernels

import (
	"fmt"
	"sync"
)

// ConvSpec describes an N-dimensional convolution (cross-correlation, as in XLA's
// ConvGeneral with one feature group):
//
//	out[b][o][q…] = Σ_c Σ_k… in[b][c][x…] · kernel[o][c][k…],  x_d·InputDilations_d = q_d·Strides_d + k_d·KernelDilations_d − PadLow_d
//
// where input positions outside [0, InSpatial_d) or not on the input-dilation grid read 0.
// The spatial axes of input, kernel and output are each stored innermost, row-major and
// contiguous; batch and channel axes may have any strides, so the transposed axis layouts
// of the gradient convolutions need no copies.
type ConvSpec struct {
	Batch, InChannels, OutChannels int
	// InSpatial, KernelSpatial and OutSpatial are the spatial sizes (same length).
	InSpatial, KernelSpatial, OutSpatial []int
	// Strides, KernelDilations and InputDilations are per spatial axis; 0 or absent means 1.
	Strides, KernelDilations, InputDilations []int
	// PadLow is the padding before each spatial axis; the padding after is implied by OutSpatial.
	PadLow []int
	// Element strides of the non-spatial axes.
	InBatchStride, InChanStride     int
	KernelOutStride, KernelInStride int
	OutBatchStride, OutChanStride   int
}

func prod(d []int) int {
	p := 1
	for _, v := range d {
		p *= v
	}
	return p
}

func at(s []int, i int) int {
	if i < len(s) && s[i] > 0 {
		return s[i]
	}
	return 1
}

// Validate checks the spec's consistency and that the three slices are large enough.
func (s *ConvSpec) Validate(in, kernel, out []float32) error {
	n := len(s.OutSpatial)
	if len(s.InSpatial) != n || len(s.KernelSpatial) != n || n == 0 {
		return fmt.Errorf("kernels.Conv: spatial ranks differ or are zero: input %v, kernel %v, output %v",
			s.InSpatial, s.KernelSpatial, s.OutSpatial)
	}
	if n > 8 {
		return fmt.Errorf("kernels.Conv: %d spatial axes, at most 8 are supported", n)
	}
	if len(s.PadLow) != 0 && len(s.PadLow) != n {
		return fmt.Errorf("kernels.Conv: PadLow %v does not have %d entries", s.PadLow, n)
	}
	last := func(batch, bs, chans, cs int, sp []int) int {
		return (batch-1)*bs + (chans-1)*cs + prod(sp)
	}
	if s.Batch < 1 || s.InChannels < 1 || s.OutChannels < 1 {
		return fmt.Errorf("kernels.Conv: batch %d, input channels %d, output channels %d must be ≥ 1", s.Batch, s.InChannels, s.OutChannels)
	}
	if need := last(s.Batch, s.InBatchStride, s.InChannels, s.InChanStride, s.InSpatial); len(in) < need {
		return fmt.Errorf("kernels.Conv: input has %d elements, layout needs %d", len(in), need)
	}
	if need := last(s.OutChannels, s.KernelOutStride, s.InChannels, s.KernelInStride, s.KernelSpatial); len(kernel) < need {
		return fmt.Errorf("kernels.Conv: kernel has %d elements, layout needs %d", len(kernel), need)
	}
	if need := last(s.Batch, s.OutBatchStride, s.OutChannels, s.OutChanStride, s.OutSpatial); len(out) < need {
		return fmt.Errorf("kernels.Conv: output has %d elements, layout needs %d", len(out), need)
	}
	return nil
}

// Conv computes the convolution described by s, overwriting out, in parallel over
// Workers() goroutines. It picks one of two im2col layouts: with more output positions
// than kernel taps (the forward pass and the input gradient) it lowers each chunk of
// output positions to a (channels·taps)×positions matrix multiplied by the kernel; with
// more taps than outputs (the kernel gradient, whose "kernel" is the output gradient) it
// lowers chunks of taps and accumulates per worker.
func Conv(s *ConvSpec, in, kernel, out []float32) error {
	if err := s.Validate(in, kernel, out); err != nil {
		return err
	}
	g := newGeometry(s)
	switch {
	case tapRowsApplies(s, g):
		convTapRows(s, g, in, kernel, out, microRowsB())
	case prod(s.KernelSpatial) > prod(s.OutSpatial) && UsePhases && g.tapPhased() && (s.OutChannels > MC || s.Batch < 8 || !UseShifted):
		return convTapPhases(s, g, in, kernel, out)
	case prod(s.KernelSpatial) > prod(s.OutSpatial) && UseTapsGemm && s.OutChannels > MC && s.Batch >= 8:
		convTapsGemm(s, g, in, kernel, out)
	case prod(s.KernelSpatial) > prod(s.OutSpatial) && UseShifted && g.unitStrides() && s.Batch >= 8:
		// The packed taps lowering handles up to MC output channels at a time.
		for o0 := 0; o0 < s.OutChannels; o0 += MC {
			sub := *s
			sub.OutChannels = min(MC, s.OutChannels-o0)
			convTapsPacked(&sub, g, in, kernel[o0*s.KernelOutStride:], out[o0*s.OutChanStride:])
		}
	case prod(s.KernelSpatial) > prod(s.OutSpatial):
		convTaps(s, g, in, kernel, out)
	case UsePhases && g.phased():
		return convPhases(s, g, in, kernel, out)
	case UseShifted && g.unitInputDilations():
		convShifted(s, g, in, kernel, out)
	default:
		convPositions(s, g, in, kernel, out)
	}
	return nil
}

// UseShifted enables the im2col-free path for stride-1 convolutions (convShifted);
// tests turn it off to check both paths.
var UseShifted = true

// maxScratch bounds the im2col buffer of one worker, in floats (1 MiB, about half an L2 cache).
const maxScratch = 1 << 18

type scratch struct {
	mu   sync.Mutex
	bufs [][]float32
}

func (sc *scratch) get(worker, n int) []float32 {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for len(sc.bufs) <= worker {
		sc.bufs = append(sc.bufs, nil)
	}
	if cap(sc.bufs[worker]) < n {
		sc.bufs[worker] = make([]float32, n)
	}
	return sc.bufs[worker][:n]
}

// convPositions: per (batch, chunk of output positions), col[(c,k)][q] then
// out[b][:, chunk] = W[O][C·K] · col.
func convPositions(s *ConvSpec, g *geometry, in, kernel, out []float32) {
	C, O := s.InChannels, s.OutChannels
	K, P := prod(s.KernelSpatial), prod(s.OutSpatial)
	CK := C * K
	wbuf := getBuf(PackedALen(O, CK))
	defer putBuf(wbuf)
	w := PackWholeA(canonicalKernel(s, kernel), O, CK, wbuf)
	chunk := max(NR, min(P, maxScratch/CK)/NR*NR)
	if want := 2 * Workers(); s.Batch*ceilDiv(P, chunk) < want {
		perBatch := ceilDiv(want, s.Batch)
		chunk = max(NR, ceilDiv(ceilDiv(P, perBatch), NR)*NR)
	}
	nChunks := ceilDiv(P, chunk)
	var sc, rows scratch
	ParallelFor(s.Batch*nChunks, func(worker, item int) {
		b, q0 := item/nChunks, (item%nChunks)*chunk
		q1 := min(P, q0+chunk)
		n := q1 - q0
		// im2col straight into the GEMM's packed-B layout, one row at a time.
		bp := sc.get(worker, PackedBLen(CK, n))
		row := rows.get(worker, n)
		kIdx := make([]int, len(s.KernelSpatial))
		for c := 0; c < C; c++ {
			plane := in[b*s.InBatchStride+c*s.InChanStride:]
			clear(kIdx)
			for k := 0; k < K; k++ {
				g.fillPositions(row, plane, kIdx, q0, q1)
				PackBPanel(bp, CK, c*K+k, row)
				incIndex(kIdx, s.KernelSpatial)
			}
		}
		GemmPackedB(&w, n, bp, Mat{Data: out, Off: b*s.OutBatchStride + q0, RS: s.OutChanStride, CS: 1}, false)
	})
}

// convTaps: per (input channel, chunk of taps), colT[(b,q)][k] and per worker
// acc[O][B·P] += W[O][taps] · colTᵀ; the worker sums are added and scattered at the end.
func convTaps(s *ConvSpec, g *geometry, in, kernel, out []float32) {
	B, C, O := s.Batch, s.InChannels, s.OutChannels
	K, P := prod(s.KernelSpatial), prod(s.OutSpatial)
	M := B * P
	chunk := max(KC, min(K, maxScratch/M)/KC*KC)
	if want := 2 * Workers(); C*ceilDiv(K, chunk) < want {
		perChan := ceilDiv(want, C)
		chunk = max(KC, ceilDiv(ceilDiv(K, perChan), KC)*KC)
	}
	nChunks := ceilDiv(K, chunk)
	var sc scratch
	accs := make([][]float32, Workers())
	var accMu sync.Mutex
	ParallelForStatic(C*nChunks, func(worker, item int) {
		c, k0 := item/nChunks, (item%nChunks)*chunk
		k1 := min(K, k0+chunk)
		n := k1 - k0
		accMu.Lock()
		if accs[worker] == nil {
			accs[worker] = make([]float32, O*M)
		}
		acc := accs[worker]
		accMu.Unlock()
		colT := sc.get(worker, M*n)
		qIdx := make([]int, len(s.OutSpatial))
		for b := 0; b < B; b++ {
			plane := in[b*s.InBatchStride+c*s.InChanStride:]
			clear(qIdx)
			for q := 0; q < P; q++ {
				r := b*P + q
				g.fillTaps(colT[r*n:(r+1)*n], plane, qIdx, k0, k1)
				incIndex(qIdx, s.OutSpatial)
			}
		}
		Gemm(O, M, n, Mat{Data: kernel, Off: c*s.KernelInStride + k0, RS: s.KernelOutStride, CS: 1},
			RowMajor(colT, 0, n).T(), RowMajor(acc, 0, M), true)
	})
	total := sumWorkers(accs, O*M)
	for o := 0; o < O; o++ {
		for b := 0; b < B; b++ {
			dst := out[b*s.OutBatchStride+o*s.OutChanStride:]
			src := total[o*M+b*P : o*M+(b+1)*P]
			copy(dst[:P], src)
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// incIndex advances a row-major multi-index over dims by one.
func incIndex(idx, dims []int) {
	for d := len(idx) - 1; d >= 0; d-- {
		idx[d]++
		if idx[d] < dims[d] {
			return
		}
		idx[d] = 0
	}
}
