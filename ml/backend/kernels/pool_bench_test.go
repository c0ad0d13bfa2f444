package kernels

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkMaxPool times the U-Net's 2×2 max-pool (8×16×128×128) and its gradient.
func BenchmarkMaxPool(b *testing.B) {
	w := &Window{Dims: []int{8, 16, 128, 128}, Size: []int{1, 1, 2, 2}, Strides: []int{1, 1, 2, 2}, PadLow: []int{0, 0, 0, 0}, Out: []int{8, 16, 64, 64}}
	r := rand.New(rand.NewPCG(1, 1))
	src := randSlice(r, prod(w.Dims))
	out := make([]float32, prod(w.Out))
	grad := make([]float32, len(src))
	b.Run("forward", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := ReduceWindow(ReduceMax, out, src, w); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(src)*4*b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
	})
	b.Run("gradient", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := SelectAndScatterMax(grad, src, out, w); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(src)*4*b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
	})
}
