package kernels

// UsePhases enables the stride-phase lowering of input-dilated convolutions
// (convPhases); tests turn it off to check both lowerings.
var UsePhases = true

// phaseAxis is one spatial axis of one stride phase of an input-dilated convolution.
type phaseAxis struct {
	r      int // the phase: outputs q ≡ r (mod idil)
	k0, nk int // the phase's kernel taps: k0, k0+idil, …, nk of them
	off    int // the first input position read by the phase's output j = 0 at tap t = 0
	nj     int // the phase's outputs: q = r, r+idil, …, nj of them
}

// newPhaseAxis derives the sub-convolution of phase r along an axis with input dilation
// idil, kernel size k, PadLow pad and out outputs (stride 1, no kernel dilation).
//
// Output q = idil·j + r reads x·idil = q + k − pad; only taps k ≡ pad − r (mod idil) land
// on the input grid, k = k0 + idil·t, and then x = j + t + (r + k0 − pad)/idil: a dense
// stride-1 convolution with the sub-kernel k0::idil and padding −off.
func newPhaseAxis(r, idil, k, pad, out int) phaseAxis {
	a := phaseAxis{r: r, k0: ((pad-r)%idil + idil) % idil}
	if k > a.k0 {
		a.nk = ceilDiv(k-a.k0, idil)
	}
	a.off = (r + a.k0 - pad) / idil
	if out > r {
		a.nj = ceilDiv(out-r, idil)
	}
	return a
}

// convPhases handles stride-1 convolutions with input dilation and no kernel dilation:
// the input gradient of a strided convolution, which XLA writes as a convolution over
// the output gradient with zeros inserted between its elements. Read directly, 1 − 1/idil
// of each im2col column (3/4 in 2D, 7/8 in 3D for stride 2) would be those zeros. Instead
// each of the Π idil_d output phases (outputs with q_d ≡ r_d mod idil_d) is a dense
// stride-1 convolution of the undilated input with the sub-kernel of the taps that land on
// the input grid; it runs through Conv (the shifted lowering) into a scratch buffer whose
// outputs are then placed every idil_d-th position of out. Every output is the sum over
// the same non-zero terms as before, computed once.
func convPhases(s *ConvSpec, g *geometry, in, kernel, out []float32) error {
	n := len(s.OutSpatial)
	r := make([]int, n)
	np := prod(g.idil)
	phases := make([][]phaseAxis, np)
	offs := make([]int, np+1)
	for p := range phases {
		phases[p] = make([]phaseAxis, n)
		J := 1
		for d := 0; d < n; d++ {
			phases[p][d] = newPhaseAxis(r[d], g.idil[d], s.KernelSpatial[d], g.pad[d], s.OutSpatial[d])
			J *= phases[p][d].nj
		}
		offs[p+1] = offs[p] + s.Batch*s.OutChannels*J
		incIndex(r, g.idil)
	}
	// Every phase's outputs go to one buffer, placed into out by a single pass.
	res := getBuf(offs[np])
	defer putBuf(res)
	for p, axes := range phases {
		if err := convPhase(s, axes, in, kernel, res[offs[p]:offs[p+1]]); err != nil {
			return err
		}
	}
	placePhases(s, g.idil, phases, offs, res, out)
	return nil
}

// convPhase computes the outputs of one phase (axes) of convPhases into res ([B][O][j…]).
func convPhase(s *ConvSpec, axes []phaseAxis, in, kernel, res []float32) error {
	n := len(axes)
	B, C, O := s.Batch, s.InChannels, s.OutChannels
	nk, nj, pad := make([]int, n), make([]int, n), make([]int, n)
	for d, a := range axes {
		nk[d], nj[d], pad[d] = a.nk, a.nj, -a.off
	}
	J, K := prod(nj), prod(nk)
	if J == 0 {
		return nil
	}
	if K == 0 {
		// No tap of this phase lands on the input grid: its outputs are zero.
		clear(res)
		return nil
	}
	sub := getBuf(O * C * K)
	defer putBuf(sub)
	gatherSubKernel(s, axes, kernel, sub)
	spec := &ConvSpec{Batch: B, InChannels: C, OutChannels: O,
		InSpatial: s.InSpatial, KernelSpatial: nk, OutSpatial: nj, PadLow: pad,
		InBatchStride: s.InBatchStride, InChanStride: s.InChanStride,
		KernelOutStride: C * K, KernelInStride: K,
		OutBatchStride: O * J, OutChanStride: J}
	return Conv(spec, in, sub, res)
}

// gatherSubKernel copies the taps k_d = k0_d + idil_d·t_d of every (output, input)
// channel pair of the kernel into sub, laid out [O][C][t…].
func gatherSubKernel(s *ConvSpec, axes []phaseAxis, kernel, sub []float32) {
	n := len(axes)
	kst := RowMajorStrides(s.KernelSpatial)
	nk := make([]int, n)
	for d, a := range axes {
		nk[d] = a.nk
	}
	K := prod(nk)
	// Offsets of the sub-kernel's taps inside one kernel plane.
	taps := make([]int, K)
	t := make([]int, n)
	for i := range taps {
		off := 0
		for d, a := range axes {
			off += (a.k0 + t[d]*idilOf(s, d)) * kst[d]
		}
		taps[i] = off
		incIndex(t, nk)
	}
	for o := 0; o < s.OutChannels; o++ {
		for c := 0; c < s.InChannels; c++ {
			src := kernel[o*s.KernelOutStride+c*s.KernelInStride:]
			dst := sub[(o*s.InChannels+c)*K : (o*s.InChannels+c+1)*K]
			for i, off := range taps {
				dst[i] = src[off]
			}
		}
	}
}

func idilOf(s *ConvSpec, d int) int { return at(s.InputDilations, d) }

// placeStrided writes res ([B][O][j…], dims nj) to out (laid out by s) at spatial
// positions q_d = step_d·j_d + first_d.
func placeStrided(s *ConvSpec, nj, step, first []int, res, out []float32) {
	n := len(nj)
	ost := RowMajorStrides(s.OutSpatial)
	J, last := prod(nj), nj[n-1]
	lastStep := step[n-1] // ost[n-1] is 1
	O := s.OutChannels
	ParallelFor(s.Batch*O, func(_, bo int) {
		b, o := bo/O, bo%O
		src := res[bo*J : (bo+1)*J]
		dst := out[b*s.OutBatchStride+o*s.OutChanStride:]
		j := make([]int, n)
		for p := 0; p < J; p += last {
			off := first[n-1]
			for d := 0; d < n-1; d++ {
				off += (j[d]*step[d] + first[d]) * ost[d]
			}
			row := src[p : p+last]
			for t, v := range row {
				dst[off+t*lastStep] = v
			}
			for d := n - 2; d >= 0; d-- {
				j[d]++
				if j[d] < nj[d] {
					break
				}
				j[d] = 0
			}
		}
	})
}
