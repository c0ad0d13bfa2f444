package kernels

// Assembly micro-kernels (micro_amd64.s). a points to a packed kc×MR panel, b to a packed
// kc×NR panel, c to an MR×NR row-major tile that is overwritten.

//go:noescape
func microAVX512Asm(kc int, a, b, c *float32)

//go:noescape
func microAVX2Asm4x16(kc int, a, b, c *float32)

func microAVX512(kc int, a, b []float32, tile *[MR * NR]float32) {
	_ = a[kc*MR-1]
	_ = b[kc*NR-1]
	microAVX512Asm(kc, &a[0], &b[0], &tile[0])
}

// microAVX2 covers the 8×32 tile with four 4×16 calls (AVX2 has 16 vector registers).
func microAVX2(kc int, a, b []float32, tile *[MR * NR]float32) {
	_ = a[kc*MR-1]
	_ = b[kc*NR-1]
	for i := 0; i < MR; i += 4 {
		for j := 0; j < NR; j += 16 {
			microAVX2Asm4x16(kc, &a[i], &b[j], &tile[i*NR+j])
		}
	}
}

//go:noescape
func microAVX512RowsAsm(kc int, a, b *float32, rowOff *int, c *float32)

// microRowsB returns a micro-kernel reading B unpacked through row offsets, or nil when
// the active path has none (then B is packed).
func microRowsB() func(kc int, a, b []float32, rowOff []int, tile *[MR * NR]float32) {
	if active != AVX512 {
		return nil
	}
	return func(kc int, a, b []float32, rowOff []int, tile *[MR * NR]float32) {
		_ = a[kc*MR-1]
		_ = rowOff[kc-1]
		microAVX512RowsAsm(kc, &a[0], &b[0], &rowOff[0], &tile[0])
	}
}

//go:noescape
func microAVX512x16Asm(kc int, a, b, c *float32)

// microNarrow returns a micro-kernel for B panels only 16 columns wide (packed with row
// stride 16), filling columns 0..15 of the tile; nil when the active path has none.
func microNarrow() func(kc int, a, b []float32, tile *[MR * NR]float32) {
	if active != AVX512 {
		return nil
	}
	return func(kc int, a, b []float32, tile *[MR * NR]float32) {
		_ = a[kc*MR-1]
		_ = b[kc*16-1]
		microAVX512x16Asm(kc, &a[0], &b[0], &tile[0])
	}
}

//go:noescape
func microAVX512Pair16Asm(kc int, a, b1, b2, c *float32)

// microPair16 returns a micro-kernel filling the 8×32 tile from two 16-column packed
// operands (columns 0..15 from b1, 16..31 from b2); nil when the active path has none.
func microPair16() func(kc int, a, b1, b2 []float32, tile *[MR * NR]float32) {
	if active != AVX512 {
		return nil
	}
	return func(kc int, a, b1, b2 []float32, tile *[MR * NR]float32) {
		_ = a[kc*MR-1]
		_ = b1[kc*16-1]
		_ = b2[kc*16-1]
		microAVX512Pair16Asm(kc, &a[0], &b1[0], &b2[0], &tile[0])
	}
}
