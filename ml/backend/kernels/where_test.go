package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestWhereAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{1, 5, 1000, parallelMin*3 + 17} {
		cond := make([]bool, n)
		for i := range cond {
			cond[i] = r.IntN(2) == 0
		}
		a, b := randSlice(r, n), randSlice(r, n)
		a[0], b[n-1] = float32(math.Inf(1)), float32(math.NaN()) // values pass through untouched
		for _, shape := range []struct{ scalarT, scalarF, scalarC bool }{{}, {true, false, false}, {false, true, false}, {true, true, false}, {false, false, true}} {
			c, tt, ff := cond, a, b
			if shape.scalarT {
				tt = a[:1]
			}
			if shape.scalarF {
				ff = b[n-1:]
			}
			if shape.scalarC {
				c = cond[:1]
			}
			got := randSlice(r, n)
			if err := Where(got, c, tt, ff); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				ci, ti, fi := c[0], tt[0], ff[0]
				if len(c) > 1 {
					ci = c[i]
				}
				if len(tt) > 1 {
					ti = tt[i]
				}
				if len(ff) > 1 {
					fi = ff[i]
				}
				want := fi
				if ci {
					want = ti
				}
				if math.Float32bits(got[i]) != math.Float32bits(want) {
					t.Fatalf("n %d %+v: element %d = %v, want %v", n, shape, i, got[i], want)
				}
			}
		}
	}
	if err := Where(make([]float32, 4), make([]bool, 3), make([]float32, 4), make([]float32, 1)); err == nil {
		t.Error("condition of 3 elements for 4 outputs accepted")
	}
}

func BenchmarkWhere(b *testing.B) {
	r := rand.New(rand.NewPCG(8, 8))
	n := 1 << 20
	cond := make([]bool, n)
	for i := range cond {
		cond[i] = r.IntN(2) == 0
	}
	x, y, out := randSlice(r, n), randSlice(r, n), make([]float32, n)
	b.SetBytes(int64(n) * 13)
	for i := 0; i < b.N; i++ {
		_ = Where(out, cond, x, y)
	}
}
