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
	inPad := getBuf(Bt * planeT)
	defer putBuf(inPad)
	packed := getBuf(nPan * width * planeT)
	defer putBuf(packed)
	// Work items: blocks of padded positions, each worker accumulating all taps over
	// its own blocks. Up to 4·KC rows per block, and a multiple of Workers() blocks of
	// equal size, so that every worker gets the same number of rows (288 rows as one
	// KC block and a 32-row rest kept one of two workers idle 90 % of the time).
	nBlocks := ceilDiv(ceilDiv(jx, 4*KC), Workers()) * Workers()
	block := ceilDiv(jx, nBlocks)
	nBlocks = ceilDiv(jx, block)
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
	for c := 0; c < C; c++ {
		ParallelFor(Bt, func(_, b int) {
			pg.fill(inPad[b*planeT:(b+1)*planeT], in[b*s.InBatchStride+c*s.InChanStride:], plans)
		})
		// Pack inPad (planeT × Bt, column b contiguous) into NR-wide panels of all rows.
		if width == NR {
			// In row ranges too: with one panel (Bt ≤ 32) a per-panel split is serial.
			parts := 2 * Workers()
			rows := ceilDiv(planeT, parts)
			ParallelFor(nPan*parts, func(_, it int) {
				p, r0 := it/parts, (it%parts)*rows
				if r1 := min(planeT, r0+rows); r0 < r1 {
					packB(packed[p*NR*planeT+r0*NR:], Mat{Data: inPad, RS: 1, CS: planeT}, r0, r1-r0, p*NR, min(NR, Bt-p*NR))
				}
			})
		} else {
			packNarrow(packed[:planeT*16], inPad, planeT, Bt)
		}
		ParallelForStatic(nBlocks, func(worker, blk int) {
			if accs[worker] == nil {
				accs[worker] = make([]float32, accLen)
			}
			acc := accs[worker]
			j0 := blk * block
			j1 := min(jx, j0+block)
			sc := scratchPool.Get().(*gemmScratch)
			defer scratchPool.Put(sc)
			micro := microKernel()
			for pc := j0; pc < j1; pc += KC {
				kc := min(KC, j1-pc)
				packA(sc.ap, Mat{Data: kPad, Off: c * plane, RS: C * plane, CS: 1}, 0, O, pc, kc)
				if pair != nil {
					for q := 0; q < P; q += 2 {
						cq := Mat{Data: acc, Off: q * 16, RS: P * 16, CS: 1}
						b1 := packed[(pc+shift[q])*16:]
						for ir := 0; ir < O; ir += MR {
							if q+1 < P {
								pair(kc, sc.ap[ir*kc:], b1, packed[(pc+shift[q+1])*16:], &sc.tile)
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
						bpan := packed[p*width*planeT+row*width:]
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

// packNarrow writes the first (and only) 16-column panel of the input planes: row j holds
// src[b·plane + j] for b < bt, zero for bt ≤ b < 16.
func packNarrow(dst, src []float32, plane, bt int) {
	ParallelFor(2, func(_, h int) {
		j0, j1 := h*plane/2, (h+1)*plane/2
		for j := j0; j < j1; j++ {
			d := dst[j*16 : j*16+16 : j*16+16]
			for b := 0; b < bt; b++ {
				d[b] = src[b*plane+j]
			}
			for b := bt; b < 16; b++ {
				d[b] = 0
			}
		}
	})
}
