package kernels

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkElementwise(b *testing.B) {
	dims := []int{8, 16, 128, 128}
	r := rand.New(rand.NewPCG(1, 1))
	x, y, out := randSlice(r, prod(dims)), randSlice(r, prod(dims)), make([]float32, prod(dims))
	full := RowMajorStrides(dims)
	b.Run("max-same-shape", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = Binary(Maximum, out, dims, x, full, y, full)
		}
	})
	b.Run("mul-channel-broadcast", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = Binary(Mul, out, dims, x, full, y, []int{0, 1, 0, 0})
		}
	})
	b.Run("reducesum-bn-stats", func(b *testing.B) {
		dst := make([]float32, 16)
		for i := 0; i < b.N; i++ {
			_ = Reduce(ReduceSum, dst, x, dims, []int{0, 2, 3})
		}
	})
	b.Run("reducesum-batch", func(b *testing.B) {
		dst := make([]float32, prod(dims)/8)
		for i := 0; i < b.N; i++ {
			_ = Reduce(ReduceSum, dst, x, dims, []int{0})
		}
	})
}
