package kernels

// The panel form of the shifted lowering, used where the micro-kernel reads B rows in
// place (microRowsB, AVX-512). convShifted computes every column of the padded grid's
// flat range into a scratch buffer and copies the valid outputs out; here each micro-tile
// covers a panel of NR consecutive padded columns placed to cover valid outputs only
// (a row of 32 outputs is one panel; rows of 16 share panels; the padding rows between
// the planes of a 3D image are never computed), and the tile is stored straight into the
// output. That saves the scratch buffer, the copy pass and the junk columns' products
// (12 % of a 3×3×3 convolution on 16×32×32).

// UsePanels enables the panel form; tests turn it off to check both.
var UsePanels = true

// shiftPanel is NR consecutive columns of the padded grid (flat index start…start+NR−1)
// computed in one micro-tile, with the runs of its columns that are valid outputs.
type shiftPanel struct {
	start int
	runs  []shiftRun
}

// shiftRun maps tile columns [col, col+n) to output positions [dst, dst+n) (row-major
// spatial index of the output plane).
type shiftRun struct{ col, n, dst int }

// shiftPanels covers every output position (out: output spatial dims; pst: strides of
// the padded grid) with panels, in order: a panel starts at the first output position
// not yet covered and takes every output among its NR columns.
func shiftPanels(out, pst []int) []shiftPanel {
	n := len(out)
	w := out[n-1]
	rows := prod(out) / w
	idx := make([]int, n-1)
	var panels []shiftPanel
	for r := 0; r < rows; r++ {
		fr := 0
		for d := range idx {
			fr += idx[d] * pst[d]
		}
		for x := 0; x < w; {
			f := fr + x
			if len(panels) == 0 || f >= panels[len(panels)-1].start+NR {
				panels = append(panels, shiftPanel{start: f})
			}
			p := &panels[len(panels)-1]
			k := min(w-x, p.start+NR-f)
			p.runs = append(p.runs, shiftRun{col: f - p.start, n: k, dst: r*w + x})
			x += k
		}
		incIndex(idx, out[:n-1])
	}
	return panels
}

// convShiftedPanels is convShifted in panel form; rows is the in-place micro-kernel.
func convShiftedPanels(s *ConvSpec, g *geometry, in, kernel, out []float32,
	rows func(kc int, a, b []float32, rowOff []int, tile *[MR * NR]float32)) {
	C, O := s.InChannels, s.OutChannels
	p := prepareShifted(s, g, in, kernel)
	defer p.release()
	pg, plane, rowOff, w, padded := p.pg, p.plane, p.rowOff, &p.w, p.padded
	CK := len(rowOff)
	panels := shiftPanels(s.OutSpatial, pg.pst)
	per := max(1, ceilDiv(s.Batch*len(panels), 4*Workers()))
	nItems := ceilDiv(len(panels), per)
	ParallelFor(s.Batch*nItems, func(_, item int) {
		b, p0 := item/nItems, (item%nItems)*per
		ps := panels[p0:min(len(panels), p0+per)]
		base := padded[b*C*plane:]
		var tile [MR * NR]float32
		for pc := 0; pc < CK; pc += KC {
			kc := min(KC, CK-pc)
			ro := rowOff[pc : pc+kc]
			for ic := 0; ic < O; ic += MC {
				mc := min(MC, O-ic)
				ap := w.block(ic, pc, kc)
				for _, p := range ps {
					bj := base[p.start:]
					for ir := 0; ir < mc; ir += MR {
						rows(kc, ap[ir*kc:], bj, ro, &tile)
						storeRuns(&tile, out, b*s.OutBatchStride+(ic+ir)*s.OutChanStride, s.OutChanStride,
							min(MR, mc-ir), p.runs, pc > 0)
					}
				}
			}
		}
	})
}

// storeRuns writes (or adds) the first mr rows of tile into out: tile row i goes to the
// output channel starting at off + i·chanStride, column run by column run.
func storeRuns(tile *[MR * NR]float32, out []float32, off, chanStride, mr int, runs []shiftRun, acc bool) {
	if mr == MR && len(runs) == 1 && runs[0].n == NR && runs[0].col == 0 &&
		storeFullTile(tile, Mat{Data: out, Off: off + runs[0].dst, RS: chanStride, CS: 1}, 0, 0, acc) {
		return
	}
	for i := 0; i < mr; i++ {
		row := tile[i*NR : (i+1)*NR]
		o := off + i*chanStride
		for _, r := range runs {
			dst := out[o+r.dst : o+r.dst+r.n]
			src := row[r.col : r.col+r.n]
			if acc {
				for j, v := range src {
					dst[j] += v
				}
			} else {
				copy(dst, src)
			}
		}
	}
}
