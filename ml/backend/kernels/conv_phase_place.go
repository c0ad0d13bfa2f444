package kernels

// placePhases writes the outputs of all stride phases of convPhases into out in one
// pass over out's rows: phase p's outputs are res[offs[p]:offs[p+1]] ([B][O][j…], the
// phase's dims nj), and output q_d = idil_d·j_d + r_d. Each output row interleaves the
// idil_last phases that differ in the last axis only, so every output element is written
// once, in order.
func placePhases(s *ConvSpec, idil []int, phases [][]phaseAxis, offs []int, res, out []float32) {
	n := len(idil)
	O := s.OutChannels
	last, sl := n-1, idil[n-1]
	rowLen := s.OutSpatial[last]
	rows := prod(s.OutSpatial) / rowLen
	// Row-major strides of each phase's [j…] (per batch and channel: J elements).
	jst := make([][]int, len(phases))
	J := make([]int, len(phases))
	for p, axes := range phases {
		nj := make([]int, n)
		for d, a := range axes {
			nj[d] = a.nj
		}
		jst[p], J[p] = RowMajorStrides(nj), prod(nj)
	}
	ParallelFor(s.Batch*O, func(_, bo int) {
		b, o := bo/O, bo%O
		dst := out[b*s.OutBatchStride+o*s.OutChanStride:]
		q := make([]int, n) // output multi-index of the row (last axis unused)
		for row := 0; row < rows; row++ {
			// Phase index of the row's outer residues; the last axis residue is added below.
			p0 := 0
			for d := 0; d < last; d++ {
				p0 = p0*idil[d] + q[d]%idil[d]
			}
			d := dst[row*rowLen : (row+1)*rowLen]
			var srcs [8][]float32 // the row's phases, by last-axis residue (sl ≤ 8 here)
			for rl := 0; rl < sl && rl < rowLen; rl++ {
				p := p0*sl + rl
				off := offs[p] + bo*J[p]
				for a := 0; a < last; a++ {
					off += q[a] / idil[a] * jst[p][a]
				}
				src := res[off : off+phases[p][last].nj]
				if sl > len(srcs) {
					for j, v := range src {
						d[j*sl+rl] = v
					}
					continue
				}
				srcs[rl] = src
			}
			if sl == 2 && rowLen%2 == 0 {
				// The common stride 2: pairs from the two phases.
				a, c := srcs[0][:rowLen/2], srcs[1][:rowLen/2]
				for j := range a {
					d[2*j], d[2*j+1] = a[j], c[j]
				}
			} else if sl <= len(srcs) {
				for rl, src := range srcs[:min(sl, rowLen)] {
					for j, v := range src {
						d[j*sl+rl] = v
					}
				}
			}
			for a := last - 1; a >= 0; a-- {
				q[a]++
				if q[a] < s.OutSpatial[a] {
					break
				}
				q[a] = 0
			}
		}
	})
}
