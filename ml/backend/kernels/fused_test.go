package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestRangedMatchesWhole evaluates ranged binary, unary and copy ops chunk by chunk,
// with chunk-local scratch operands, and compares with the whole-array kernels.
func TestRangedMatchesWhole(t *testing.T) {
	dims := []int{3, 4, 5, 7}
	r := rand.New(rand.NewPCG(13, 13))
	x := randSlice(r, prod(dims))
	y := randSlice(r, 4) // broadcast [1,4,1,1]
	full := RowMajorStrides(dims)
	ys := []int{0, 1, 0, 0}
	// want = Sign(x * y) - x, via whole-array kernels.
	prodv, sign, want := make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(x))
	_ = Binary(Mul, prodv, dims, x, full, y, ys)
	Unary(Sign, sign, prodv)
	_ = Binary(Sub, want, dims, sign, full, x, full)
	bcast := make([]float32, len(x))
	_ = Copy(bcast, dims, y, ys)

	mul := NewRangedBinary(Mul, dims, full, ys)
	sgn := NewRangedUnary(Sign, dims)
	sub := NewRangedBinary(Sub, dims, full, full)
	cp := NewRangedCopy(dims, ys)
	for _, chunk := range []int{1, 6, 33, len(x)} {
		got, gotB := make([]float32, len(x)), make([]float32, len(x))
		t1, t2 := make([]float32, chunk), make([]float32, chunk)
		for e0 := 0; e0 < len(x); e0 += chunk {
			e1 := min(len(x), e0+chunk)
			mul.Run(t1, -e0, []Operand{{Data: x}, {Data: y}}, e0, e1)
			sgn.Run(t2, -e0, []Operand{{Data: t1, Base: -e0}}, e0, e1)
			sub.Run(got, 0, []Operand{{Data: t2, Base: -e0}, {Data: x}}, e0, e1)
			cp.Run(gotB, 0, []Operand{{Data: y}}, e0, e1)
		}
		closeEnough(t, "fused chain", got, want, 0)
		closeEnough(t, "ranged copy", gotB, bcast, 0)
	}
}
