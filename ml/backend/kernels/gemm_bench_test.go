package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkGemm reports GFLOP/s of the single-goroutine GEMM for each path.
func BenchmarkGemm(b *testing.B) {
	for _, sz := range [][3]int{{64, 4096, 288}, {16, 16384, 9}, {256, 256, 256}} {
		for _, p := range paths() {
			m, n, k := sz[0], sz[1], sz[2]
			b.Run(fmt.Sprintf("%s/%dx%dx%d", p, m, n, k), func(b *testing.B) {
				old := active
				active = p
				defer func() { active = old }()
				r := rand.New(rand.NewPCG(1, 2))
				a, bb, c := randSlice(r, m*k), randSlice(r, k*n), make([]float32, m*n)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					Gemm(m, n, k, RowMajor(a, 0, k), RowMajor(bb, 0, n), RowMajor(c, 0, n), false)
				}
				b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
