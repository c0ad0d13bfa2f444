package kernels

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkDotGeneral times the U-Net's pointwise (1×1) convolutions written as
// DotGeneral(w [Cout, Cin], x [B, Cin, S]) contracting Cin.
func BenchmarkDotGeneral(b *testing.B) {
	for _, c := range []struct {
		name          string
		cout, cin, bt int
		s             int
	}{{"up-64to128-32x32", 128, 64, 8, 1024}, {"out-16to1-128x128", 1, 16, 8, 16384}} {
		b.Run(c.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			w, x := randSlice(r, c.cout*c.cin), randSlice(r, c.bt*c.cin*c.s)
			out := make([]float32, c.cout*c.bt*c.s)
			for i := 0; i < b.N; i++ {
				if err := DotGeneral(out, w, []int{c.cout, c.cin}, []int{1}, nil, x, []int{c.bt, c.cin, c.s}, []int{1}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(2*float64(c.cout*c.cin*c.bt*c.s)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
