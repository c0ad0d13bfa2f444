package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestCompareAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	ops := []struct {
		op   CompareOp
		name string
		f    func(x, y float32) bool
	}{
		{CmpGreater, ">", func(x, y float32) bool { return x > y }},
		{CmpGreaterOrEqual, ">=", func(x, y float32) bool { return x >= y }},
		{CmpLess, "<", func(x, y float32) bool { return x < y }},
		{CmpLessOrEqual, "<=", func(x, y float32) bool { return x <= y }},
	}
	for _, n := range []int{1, 7, parallelMin*3 + 5} {
		a, b := randSlice(r, n), randSlice(r, n)
		for i := 0; i < n; i += 3 {
			b[i] = a[i] // ties
		}
		a[n-1] = float32(math.NaN())
		for _, o := range ops {
			for _, layout := range []struct{ scalarA, scalarB bool }{{}, {true, false}, {false, true}, {true, true}} {
				t.Run(fmt.Sprintf("n%d/%s/%+v", n, o.name, layout), func(t *testing.T) {
					x, y := a, b
					if layout.scalarA {
						x = a[:1]
					}
					if layout.scalarB {
						y = []float32{0}
					}
					got := make([]bool, n)
					for i := range got {
						got[i] = i%2 == 0 // must be overwritten
					}
					if err := Compare(o.op, got, x, y); err != nil {
						t.Fatal(err)
					}
					for i := range got {
						xi, yi := x[0], y[0]
						if len(x) > 1 {
							xi = x[i]
						}
						if len(y) > 1 {
							yi = y[i]
						}
						if want := o.f(xi, yi); got[i] != want {
							t.Fatalf("element %d: %v %s %v = %v, want %v", i, xi, o.name, yi, got[i], want)
						}
					}
				})
			}
		}
	}
	if err := Compare(CmpGreater, make([]bool, 4), make([]float32, 3), make([]float32, 1)); err == nil {
		t.Error("operand of 3 elements for 4 outputs accepted")
	}
	if err := Compare(CompareOp(9), make([]bool, 1), make([]float32, 1), make([]float32, 1)); err == nil {
		t.Error("unknown comparison accepted")
	}
}
