//go:build !amd64

package kernels

// Off amd64 only the portable kernel exists; these are never selected (Supported is false).
func microAVX512(kc int, a, b []float32, tile *[MR * NR]float32) { microGo(kc, a, b, tile) }
func microAVX2(kc int, a, b []float32, tile *[MR * NR]float32)   { microGo(kc, a, b, tile) }

func microRowsB() func(kc int, a, b []float32, rowOff []int, tile *[MR * NR]float32) { return nil }

func microNarrow() func(kc int, a, b []float32, tile *[MR * NR]float32) { return nil }

func microPair16() func(kc int, a, b1, b2 []float32, tile *[MR * NR]float32) { return nil }
