package kernels

// UseTapsGemm enables convTapsGemm for kernel gradients of wide layers; tests turn it
// off to check the other lowerings.
var UseTapsGemm = true

// convTapsGemm is the taps lowering for wide layers (more than MC output channels, as
// PatchGAN's 256- and 512-channel layers): with the output taps few and the channels
// many, it computes, for each block of (batch, output tap) rows of the result,
//
//	acc[o][(b,q)] = Σ_c Σ_j kernel[o][c][j] · in[b][c][x(q, j)]
//
// as one GEMM per input channel c, whose B operand is the im2col of that channel's plane
// over the kernel's positions j (built per block, at most maxScratch floats). Blocks are
// independent, so every output is summed in the same order whatever the scheduling.
func convTapsGemm(s *ConvSpec, g *geometry, in, kernel, out []float32) {
	Bt, C, O := s.Batch, s.InChannels, s.OutChannels
	K, P := prod(s.KernelSpatial), prod(s.OutSpatial)
	rows := Bt * P
	block := max(NR, min(rows, maxScratch/K)/NR*NR)
	if want := 2 * Workers(); ceilDiv(rows, block) < want {
		block = max(NR, ceilDiv(ceilDiv(rows, want), NR)*NR)
	}
	nBlocks := ceilDiv(rows, block)
	var cols, accs scratch
	ParallelFor(nBlocks, func(worker, blk int) {
		r0 := blk * block
		r1 := min(rows, r0+block)
		n := r1 - r0
		col := cols.get(worker, n*K)
		acc := accs.get(worker, O*n)
		qIdx := make([]int, len(s.OutSpatial))
		for c := 0; c < C; c++ {
			for r := r0; r < r1; r++ {
				b, q := r/P, r%P
				rem := q
				for d := len(qIdx) - 1; d >= 0; d-- {
					qIdx[d] = rem % s.OutSpatial[d]
					rem /= s.OutSpatial[d]
				}
				plane := in[b*s.InBatchStride+c*s.InChanStride:]
				g.fillTaps(col[(r-r0)*K:(r-r0+1)*K], plane, qIdx, 0, K)
			}
			// acc[o][r] (+)= Σ_j kernel[o][c][j] · col[r][j]
			Gemm(O, n, K, Mat{Data: kernel, Off: c * s.KernelInStride, RS: s.KernelOutStride, CS: 1},
				RowMajor(col, 0, K).T(), RowMajor(acc, 0, n), c > 0)
		}
		for o := 0; o < O; o++ {
			for r := r0; r < r1; r++ {
				b, q := r/P, r%P
				out[b*s.OutBatchStride+o*s.OutChanStride+q] = acc[o*n+r-r0]
			}
		}
	})
}
