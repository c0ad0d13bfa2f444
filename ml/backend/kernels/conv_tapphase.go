package kernels

// convTapPhases handles kernel-gradient shaped convolutions (more taps than outputs) with
// kernel dilation and stride 1, no input dilation: the kernel gradient of a strided
// convolution, whose "kernel" (the output gradient) is dilated by the stride s. Output
// tap k reads input x = k + s·q − pad, so the taps k ≡ k0 (mod s) all read one input
// phase, x ≡ r = (k0 − pad) mod s: with in_r[m] = in[s·m + r],
//
//	out[k0 + s·t] = Σ_q in_r[t + q + off] · kernel[q],  off = (k0 − pad − r)/s,
//
// a stride-1 convolution without dilation (the packed taps lowering) of an input s^d
// times smaller. Each of the Π s_d phases copies its input phase once, convolves, and
// places its taps every s-th output position. Every output is the same sum as before.
func convTapPhases(s *ConvSpec, g *geometry, in, kernel, out []float32) error {
	n := len(s.OutSpatial)
	k0 := make([]int, n)
	for range prod(g.kdil) {
		if err := convTapPhase(s, g, k0, in, kernel, out); err != nil {
			return err
		}
		incIndex(k0, g.kdil)
	}
	return nil
}

// convTapPhase computes the output taps k ≡ k0 (per axis, mod the kernel dilation).
func convTapPhase(s *ConvSpec, g *geometry, k0 []int, in, kernel, out []float32) error {
	n := len(k0)
	B, C, O := s.Batch, s.InChannels, s.OutChannels
	inR, nt, pad := make([]int, n), make([]int, n), make([]int, n)
	srcOff := 0
	srcStrides := []int{s.InBatchStride, s.InChanStride}
	for d := 0; d < n; d++ {
		st := g.kdil[d]
		r := ((k0[d]-g.pad[d])%st + st) % st
		if s.InSpatial[d] > r {
			inR[d] = ceilDiv(s.InSpatial[d]-r, st)
		}
		if s.OutSpatial[d] > k0[d] {
			nt[d] = ceilDiv(s.OutSpatial[d]-k0[d], st)
		}
		pad[d] = -(k0[d] - g.pad[d] - r) / st
		srcOff += r * g.inStrides[d]
		srcStrides = append(srcStrides, st*g.inStrides[d])
	}
	T := prod(nt)
	if T == 0 {
		return nil
	}
	res := getBuf(B * O * T)
	defer putBuf(res)
	if prod(inR) == 0 {
		clear(res) // the phase reads no input: its taps are zero
	} else {
		I := prod(inR)
		phase := getBuf(B * C * I)
		defer putBuf(phase)
		if err := Copy(phase, append([]int{B, C}, inR...), in[srcOff:], srcStrides); err != nil {
			return err
		}
		spec := &ConvSpec{Batch: B, InChannels: C, OutChannels: O,
			InSpatial: inR, KernelSpatial: s.KernelSpatial, OutSpatial: nt, PadLow: pad,
			InBatchStride: C * I, InChanStride: I,
			KernelOutStride: s.KernelOutStride, KernelInStride: s.KernelInStride,
			OutBatchStride: O * T, OutChanStride: T}
		if err := Conv(spec, phase, kernel, res); err != nil {
			return err
		}
	}
	placeStrided(s, nt, g.kdil, k0, res, out)
	return nil
}
