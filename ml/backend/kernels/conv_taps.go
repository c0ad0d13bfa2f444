package kernels

// convTapsPacked is the taps lowering (kernel gradient) for stride-1 convolutions without
// input dilation. With the input planes and the "kernel" (the output gradient) both laid
// out on the zero-padded grid, output tap q is
//
//	out[b][o][q] = Σ_c Σ_j kernelPad[o][c][j] · inPad[b][c][j + shift(q)]
//
// over padded positions j: for every tap the B operand is the same packed input, read
// from a row offset. Each (channel) input is therefore packed once and each block of the
// output gradient once, whatever the number of taps, which keeps the GEMM compute-bound.
// With kernel dilation s (the kernel gradient of a stride-s convolution) the input is
// packed as its stride phases (phaseGrid) and each tap reads one phase at its shift.
func convTapsPacked(s *ConvSpec, g *geometry, in, kernel, out []float32) {
	n := len(s.OutSpatial)
	Bt, C, O := s.Batch, s.InChannels, s.OutChannels
	P := prod(s.OutSpatial)
	ones := make([]int, n)
	for d := range ones {
		ones[d] = 1
	}
	pg := newPhaseGrid(s.OutSpatial, ones, g.pad, g.kdil, s.KernelSpatial)
	pd, pst := pg.pd, pg.pst
	plane := pg.plane        // one padded plane of the output gradient
	planeT := pg.nph * plane // the phase planes of one input plane
	plans := pg.plan(s.InSpatial)
	// Padded rows covering every kernel (output-gradient) position.
	jx := 1
	for d := 0; d < n; d++ {
		jx += (s.KernelSpatial[d] - 1) * pst[d]
	}
	shift := pg.tapOff
	zero := make([]int, n)
	// The output gradient on the padded grid: kPad[o][c][plane].
	kPad := getBuf(O * C * plane)
	defer putBuf(kPad)
	ParallelFor(O*C, func(_, oc int) {
		o, c := oc/C, oc%C
		padPlane(kPad[oc*plane:(oc+1)*plane], kernel[o*s.KernelOutStride+c*s.KernelInStride:], s.KernelSpatial, pd, zero)
	})
	// Panels of the packed input: NR columns wide, or 16 when the batch fits (then the
	// narrow micro-kernel wastes no lanes).
	width := NR
	narrow := microNarrow()
	if Bt <= 16 && narrow != nil {
		width = 16
	}
	nPan := ceilDiv(Bt, width)
	// Samples (C) are prepared in groups: all of them at once when their padded and
	// packed planes fit in tapsGroupFloats, so that one GEMM phase covers every sample
	// (one sample per phase kept two workers in lockstep through 3·C short phases).
	per := (1 + nPan*width) * planeT // floats of one sample: inPad and packed
	group := max(1, min(C, tapsGroupFloats/max(1, per)))
	inPad := getBuf(group * Bt * planeT)
	defer putBuf(inPad)
	packed := getBuf(group * nPan * width * planeT)
	defer putBuf(packed)
	// Work items: blocks of padded positions of one sample, each worker accumulating all
	// taps over its own blocks. Per sample up to 4·KC rows per block, in equal blocks; a
	// multiple of Workers() blocks per group, so every worker gets the same rows.
	perSample := ceilDiv(jx, 4*KC)
	// With 16-column panels, pairs of taps fill one 8×32 tile (pair): the accumulator is
	// then laid out [O][P][16], so a pair's 32 columns are contiguous; else [P][O][Bt].
	pair := microPair16()
	if width != 16 {
		pair = nil
	}
	accLen, at := P*O*Bt, func(o, q, b int) int { return (q*O+o)*Bt + b }
	if pair != nil {
		accLen, at = O*P*16, func(o, q, b int) int { return (o*P+q)*16 + b }
	}
	accs := make([][]float32, Workers())
	for c0 := 0; c0 < C; c0 += group {
		g := min(group, C-c0)
		ParallelFor(g*Bt, func(_, cb int) {
			c, b := c0+cb/Bt, cb%Bt
			pg.fill(inPad[cb*planeT:(cb+1)*planeT], in[b*s.InBatchStride+c*s.InChanStride:], plans)
		})
		// Pack each sample's inPad (planeT × Bt, column b contiguous) into width-wide
		// panels of all rows, in row ranges too (one panel alone would be serial).
		parts := 2 * Workers()
		rows := ceilDiv(planeT, parts)
		ParallelFor(g*nPan*parts, func(_, it int) {
			gc, rest := it/(nPan*parts), it%(nPan*parts)
			p, r0 := rest/parts, (rest%parts)*rows
			r1 := min(planeT, r0+rows)
			if r0 >= r1 {
				return
			}
			src := inPad[gc*Bt*planeT:]
			dst := packed[gc*nPan*width*planeT:]
			if width == NR {
				packB(dst[p*NR*planeT+r0*NR:], Mat{Data: src, RS: 1, CS: planeT}, r0, r1-r0, p*NR, min(NR, Bt-p*NR))
			} else {
				packNarrowRows(dst[:planeT*16], src, planeT, Bt, r0, r1)
			}
		})
		nBlocks := ceilDiv(g*perSample, Workers()) * Workers()
		perC := ceilDiv(nBlocks, g) // blocks of each sample (the last ones may be empty)
		block := ceilDiv(jx, perC)
		ParallelForStatic(g*perC, func(worker, item int) {
			gc, blk := item/perC, item%perC
			j0 := blk * block
			j1 := min(jx, j0+block)
			if j0 >= j1 {
				return
			}
			if accs[worker] == nil {
				accs[worker] = make([]float32, accLen)
			}
			acc := accs[worker]
			c := c0 + gc
			pk := packed[gc*nPan*width*planeT:]
			sc := scratchPool.Get().(*gemmScratch)
			defer scratchPool.Put(sc)
			micro := microKernel()
			// Equal depth chunks of at most KC.
			nk := ceilDiv(j1-j0, KC)
			for ck := 0; ck < nk; ck++ {
				pc := j0 + ck*(j1-j0)/nk
				kc := j0 + (ck+1)*(j1-j0)/nk - pc
				packA(sc.ap, Mat{Data: kPad, Off: c * plane, RS: C * plane, CS: 1}, 0, O, pc, kc)
				if pair != nil {
					for q := 0; q < P; q += 2 {
						cq := Mat{Data: acc, Off: q * 16, RS: P * 16, CS: 1}
						b1 := pk[(pc+shift[q])*16:]
						for ir := 0; ir < O; ir += MR {
							if q+1 < P {
								pair(kc, sc.ap[ir*kc:], b1, pk[(pc+shift[q+1])*16:], &sc.tile)
								storeTile(&sc.tile, cq, ir, 0, min(MR, O-ir), NR, true)
							} else {
								narrow(kc, sc.ap[ir*kc:], b1, &sc.tile)
								storeTile(&sc.tile, cq, ir, 0, min(MR, O-ir), 16, true)
							}
						}
					}
					continue
				}
				for q := 0; q < P; q++ {
					cq := Mat{Data: acc, Off: q * O * Bt, RS: Bt, CS: 1}
					row := pc + shift[q]
					for p := 0; p < nPan; p++ {
						nr := min(width, Bt-p*width)
						bpan := pk[p*width*planeT+row*width:]
						for ir := 0; ir < O; ir += MR {
							if width == NR {
								micro(kc, sc.ap[ir*kc:], bpan, &sc.tile)
							} else {
								narrow(kc, sc.ap[ir*kc:], bpan, &sc.tile)
							}
							storeTile(&sc.tile, cq, ir, p*width, min(MR, O-ir), nr, true)
						}
					}
				}
			}
		})
	}
	total := sumWorkers(accs, accLen)
	for b := 0; b < Bt; b++ {
		for o := 0; o < O; o++ {
			dst := out[b*s.OutBatchStride+o*s.OutChanStride:]
			for q := 0; q < P; q++ {
				dst[q] = total[at(o, q, b)]
			}
		}
	}
}

// tapsGroupFloats bounds the floats of padded and packed input planes convTapsPacked
// prepares at once (1 MiB, so that they stay in L2: a 3D 16-channel sample alone is over
// it and goes alone, as before grouping).
const tapsGroupFloats = 1 << 18

// packNarrowRows writes rows [r0, r1) of the first (and only) 16-column panel of the
// input planes: row j holds src[b·plane + j] for b < bt, zero for bt ≤ b < 16.
func packNarrowRows(dst, src []float32, plane, bt, r0, r1 int) {
	for j := r0; j < r1; j++ {
		d := dst[j*16 : j*16+16 : j*16+16]
		for b := 0; b < bt; b++ {
			d[b] = src[b*plane+j]
		}
		for b := bt; b < 16; b++ {
			d[b] = 0
		}
	}
}
