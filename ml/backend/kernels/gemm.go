package kernels

import "sync"

// Micro-tile and blocking sizes of the GEMM. The micro-kernel computes an MR×NR tile of C
// from an MR-row panel of packed A and an NR-column panel of packed B.
const (
	MR = 8   // rows of the micro-tile
	NR = 32  // columns of the micro-tile
	KC = 256 // depth of one packed block
	MC = 128 // rows of A packed at once
	NC = 512 // columns of B packed at once
)

// Mat is a strided view of a float32 matrix: element (i, j) is Data[Off+i*RS+j*CS].
// Transposes and column-major storage are views with swapped strides.
type Mat struct {
	Data   []float32
	Off    int
	RS, CS int
}

// RowMajor returns the view of data as a rows×cols row-major matrix starting at off.
func RowMajor(data []float32, off, cols int) Mat { return Mat{Data: data, Off: off, RS: cols, CS: 1} }

// T returns the transposed view.
func (m Mat) T() Mat { return Mat{Data: m.Data, Off: m.Off, RS: m.CS, CS: m.RS} }

// At returns element (i, j).
func (m Mat) At(i, j int) float32 { return m.Data[m.Off+i*m.RS+j*m.CS] }

type gemmScratch struct {
	ap, bp []float32
	tile   [MR * NR]float32
}

var scratchPool = sync.Pool{New: func() any {
	return &gemmScratch{ap: make([]float32, MC*KC), bp: make([]float32, KC*NC)}
}}

// Gemm computes C = A·B (or C += A·B when accumulate is set) for A m×k, B k×n and C m×n,
// on the calling goroutine. All three are strided views (see Mat); C must not alias A or B.
// With k == 0 it zeroes C (or leaves it unchanged when accumulating).
func Gemm(m, n, k int, a, b, c Mat, accumulate bool) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 {
		if !accumulate {
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					c.Data[c.Off+i*c.RS+j*c.CS] = 0
				}
			}
		}
		return
	}
	s := scratchPool.Get().(*gemmScratch)
	defer scratchPool.Put(s)
	micro := microKernel()
	for jc := 0; jc < n; jc += NC {
		nc := min(NC, n-jc)
		for pc := 0; pc < k; pc += KC {
			kc := min(KC, k-pc)
			packB(s.bp, b, pc, kc, jc, nc)
			acc := accumulate || pc > 0
			for ic := 0; ic < m; ic += MC {
				mc := min(MC, m-ic)
				packA(s.ap, a, ic, mc, pc, kc)
				for jr := 0; jr < nc; jr += NR {
					nr := min(NR, nc-jr)
					bpan := s.bp[jr*kc:]
					for ir := 0; ir < mc; ir += MR {
						mr := min(MR, mc-ir)
						micro(kc, s.ap[ir*kc:], bpan, &s.tile)
						storeTile(&s.tile, c, ic+ir, jc+jr, mr, nr, acc)
					}
				}
			}
		}
	}
}

// storeTile writes (or adds) the valid mr×nr corner of tile into C at (i0, j0).
func storeTile(tile *[MR * NR]float32, c Mat, i0, j0, mr, nr int, acc bool) {
	if mr == MR && nr == NR && storeFullTile(tile, c, i0, j0, acc) {
		return
	}
	for i := 0; i < mr; i++ {
		row := tile[i*NR : i*NR+nr]
		base := c.Off + (i0+i)*c.RS + j0*c.CS
		if c.CS == 1 {
			dst := c.Data[base : base+nr]
			if acc {
				for j, v := range row {
					dst[j] += v
				}
			} else {
				copy(dst, row)
			}
			continue
		}
		for j, v := range row {
			if acc {
				c.Data[base+j*c.CS] += v
			} else {
				c.Data[base+j*c.CS] = v
			}
		}
	}
}

// packA packs rows [i0, i0+mc) × depth [p0, p0+kc) of A into panels of MR rows: panel r
// holds, for each depth p, the MR values A[i0+r*MR+0..MR-1][p0+p] (zero past row mc).
func packA(dst []float32, a Mat, i0, mc, p0, kc int) {
	for ir := 0; ir < mc; ir += MR {
		mr := min(MR, mc-ir)
		pan := dst[ir*kc : ir*kc+kc*MR]
		if a.RS == 1 && mr == MR {
			for p := 0; p < kc; p++ {
				src := a.Off + (i0 + ir) + (p0+p)*a.CS
				copy(pan[p*MR:p*MR+MR], a.Data[src:src+MR])
			}
			continue
		}
		if mr < MR {
			clear(pan)
		}
		for i := 0; i < mr; i++ {
			src := a.Off + (i0+ir+i)*a.RS + p0*a.CS
			if a.CS == 1 {
				row := a.Data[src : src+kc]
				for p, v := range row {
					pan[p*MR+i] = v
				}
				continue
			}
			for p := 0; p < kc; p++ {
				pan[p*MR+i] = a.Data[src+p*a.CS]
			}
		}
	}
}

// packB packs depth [p0, p0+kc) × columns [j0, j0+nc) of B into panels of NR columns:
// panel r holds, for each depth p, the NR values B[p0+p][j0+r*NR+0..NR-1] (zero past nc).
func packB(dst []float32, b Mat, p0, kc, j0, nc int) {
	for jr := 0; jr < nc; jr += NR {
		nr := min(NR, nc-jr)
		pan := dst[jr*kc : jr*kc+kc*NR]
		if b.CS == 1 {
			for p := 0; p < kc; p++ {
				src := b.Off + (p0+p)*b.RS + j0 + jr
				d := pan[p*NR : p*NR+NR]
				copy(d, b.Data[src:src+nr])
				if nr < NR {
					clear(d[nr:])
				}
			}
			continue
		}
		if nr < NR {
			clear(pan)
		}
		j := 0
		if b.RS == 1 {
			// Columns are contiguous in memory: transpose eight at a time, so each depth
			// writes eight neighbouring floats.
			for ; j+8 <= nr; j += 8 {
				base := b.Off + p0 + (j0+jr+j)*b.CS
				c0 := b.Data[base : base+kc]
				c1 := b.Data[base+b.CS : base+b.CS+kc]
				c2 := b.Data[base+2*b.CS : base+2*b.CS+kc]
				c3 := b.Data[base+3*b.CS : base+3*b.CS+kc]
				c4 := b.Data[base+4*b.CS : base+4*b.CS+kc]
				c5 := b.Data[base+5*b.CS : base+5*b.CS+kc]
				c6 := b.Data[base+6*b.CS : base+6*b.CS+kc]
				c7 := b.Data[base+7*b.CS : base+7*b.CS+kc]
				for p := range c0 {
					d := pan[p*NR+j : p*NR+j+8 : p*NR+j+8]
					d[0], d[1], d[2], d[3] = c0[p], c1[p], c2[p], c3[p]
					d[4], d[5], d[6], d[7] = c4[p], c5[p], c6[p], c7[p]
				}
			}
		}
		for ; j < nr; j++ {
			src := b.Off + p0*b.RS + (j0+jr+j)*b.CS
			if b.RS == 1 {
				col := b.Data[src : src+kc]
				for p, v := range col {
					pan[p*NR+j] = v
				}
				continue
			}
			for p := 0; p < kc; p++ {
				pan[p*NR+j] = b.Data[src+p*b.RS]
			}
		}
	}
}

// microKernel returns the micro-kernel of the active path. Each computes the full MR×NR
// product of an A panel (kc×MR) and a B panel (kc×NR) and overwrites tile with it.
func microKernel() func(kc int, a, b []float32, tile *[MR * NR]float32) {
	switch active {
	case AVX512:
		return microAVX512
	case AVX2:
		return microAVX2
	}
	return microGo
}

// microGo is the portable micro-kernel.
func microGo(kc int, a, b []float32, tile *[MR * NR]float32) {
	clear(tile[:])
	a = a[:kc*MR]
	b = b[:kc*NR]
	for p := 0; p < kc; p++ {
		ap := a[p*MR : p*MR+MR]
		bp := b[p*NR : p*NR+NR]
		for i, av := range ap {
			row := tile[i*NR : i*NR+NR]
			for j, bv := range bp {
				row[j] += av * bv
			}
		}
	}
}

// PackedBLen returns the length of a packed B for k×n: ceil(n/NR) panels of k×NR.
func PackedBLen(k, n int) int { return ceilDiv(n, NR) * k * NR }

// PackBPanel writes row p (of k) of B, given as the contiguous values row[0:n], into the
// packed layout used by GemmPackedB: panel j holds, for each depth p, the NR values of
// columns j·NR…j·NR+NR−1 (zero past n).
func PackBPanel(bp []float32, k, p int, row []float32) {
	n := len(row)
	for j := 0; j*NR < n; j++ {
		d := bp[j*k*NR+p*NR : j*k*NR+p*NR+NR]
		c := copy(d, row[j*NR:])
		if c < NR {
			clear(d[c:])
		}
	}
}

// PackedA is a whole m×k matrix A packed once for many GEMMs with the same left operand
// (a convolution's weights, multiplied with every chunk of output positions): the block
// of depth [pc, pc+KC) and rows [ic, ic+MC) is laid out as packA writes it.
type PackedA struct {
	M, K int
	mPad int // M rounded up to MR
	Data []float32
}

// PackWholeA packs the m×k matrix a (see PackedA) into buf when it is large enough
// (PackedALen), else into a new slice.
func PackWholeA(a Mat, m, k int, buf []float32) PackedA {
	p := PackedA{M: m, K: k, mPad: ceilDiv(m, MR) * MR}
	n := p.mPad * k
	if cap(buf) < n {
		buf = make([]float32, n)
	}
	p.Data = buf[:n]
	for pc := 0; pc < k; pc += KC {
		kc := min(KC, k-pc)
		for ic := 0; ic < m; ic += MC {
			packA(p.block(ic, pc, kc), a, ic, min(MC, m-ic), pc, kc)
		}
	}
	return p
}

// PackedALen is the length of PackWholeA's packing of an m×k matrix.
func PackedALen(m, k int) int { return ceilDiv(m, MR) * MR * k }

// block returns the packed rows [ic, ic+MC) at depth [pc, pc+kc).
func (p *PackedA) block(ic, pc, kc int) []float32 { return p.Data[pc*p.mPad+ic*kc:] }

// GemmPackedB is Gemm with A packed whole (PackWholeA) and B already packed (see
// PackBPanel), saving both packing passes when the producer of B (im2col) can write the
// packed layout directly and A is shared by many calls.
func GemmPackedB(a *PackedA, n int, bp []float32, c Mat, accumulate bool) {
	m, k := a.M, a.K
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	var tile [MR * NR]float32
	micro := microKernel()
	for pc := 0; pc < k; pc += KC {
		kc := min(KC, k-pc)
		acc := accumulate || pc > 0
		for ic := 0; ic < m; ic += MC {
			mc := min(MC, m-ic)
			ap := a.block(ic, pc, kc)
			for jr := 0; jr < n; jr += NR {
				nr := min(NR, n-jr)
				bpan := bp[(jr/NR)*k*NR+pc*NR:]
				for ir := 0; ir < mc; ir += MR {
					mr := min(MR, mc-ir)
					micro(kc, ap[ir*kc:], bpan, &tile)
					storeTile(&tile, c, ic+ir, jr, mr, nr, acc)
				}
			}
		}
	}
}

// GemmRowsB is Gemm with A packed whole (PackWholeA) and B given by row offsets:
// B[p][j] = b[rowOff[p]+j]. A convolution with stride 1 uses it to read every kernel tap's
// shifted input in place, with no im2col. b must hold NR−1 floats past the last element
// any row uses (the AVX-512 path reads whole 32-float rows in place).
func GemmRowsB(a *PackedA, n int, b []float32, rowOff []int, c Mat, accumulate bool) {
	m, k := a.M, a.K
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	if rows := microRowsB(); rows != nil {
		// B is read in place: the caller guarantees NR−1 readable floats past every row's
		// last column (their products land in tile columns that are never stored).
		var tile [MR * NR]float32
		for pc := 0; pc < k; pc += KC {
			kc := min(KC, k-pc)
			acc := accumulate || pc > 0
			ro := rowOff[pc : pc+kc]
			for ic := 0; ic < m; ic += MC {
				mc := min(MC, m-ic)
				ap := a.block(ic, pc, kc)
				for jr := 0; jr < n; jr += NR {
					nr := min(NR, n-jr)
					bj := b[jr:]
					for ir := 0; ir < mc; ir += MR {
						mr := min(MR, mc-ir)
						rows(kc, ap[ir*kc:], bj, ro, &tile)
						storeTile(&tile, c, ic+ir, jr, mr, nr, acc)
					}
				}
			}
		}
		return
	}
	s := scratchPool.Get().(*gemmScratch)
	defer scratchPool.Put(s)
	micro := microKernel()
	for jc := 0; jc < n; jc += NC {
		nc := min(NC, n-jc)
		for pc := 0; pc < k; pc += KC {
			kc := min(KC, k-pc)
			// Pack B rows [pc, pc+kc) × columns [jc, jc+nc).
			for jr := 0; jr < nc; jr += NR {
				nr := min(NR, nc-jr)
				pan := s.bp[jr*kc : jr*kc+kc*NR]
				for p := 0; p < kc; p++ {
					src := rowOff[pc+p] + jc + jr
					d := pan[p*NR : p*NR+NR]
					copy(d, b[src:src+nr])
					if nr < NR {
						clear(d[nr:])
					}
				}
			}
			acc := accumulate || pc > 0
			for ic := 0; ic < m; ic += MC {
				mc := min(MC, m-ic)
				ap := a.block(ic, pc, kc)
				for jr := 0; jr < nc; jr += NR {
					nr := min(NR, nc-jr)
					bpan := s.bp[jr*kc:]
					for ir := 0; ir < mc; ir += MR {
						mr := min(MR, mc-ir)
						micro(kc, ap[ir*kc:], bpan, &s.tile)
						storeTile(&s.tile, c, ic+ir, jc+jr, mr, nr, acc)
					}
				}
			}
		}
	}
}
