package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveAt reads src at multi-index idx with strides.
func naiveAt(src []float32, st, idx []int) float32 {
	off := 0
	for d, i := range idx {
		off += i * st[d]
	}
	return src[off]
}

func bcastStrides(dims, full []int) []int {
	rm := RowMajorStrides(dims)
	st := make([]int, len(dims))
	for d := range dims {
		if dims[d] != 1 || full[d] == 1 {
			st[d] = rm[d]
		}
	}
	return st
}

func TestBinaryBroadcast(t *testing.T) {
	cases := []struct{ out, a, b []int }{
		{[]int{2, 3, 4}, []int{2, 3, 4}, []int{2, 3, 4}},
		{[]int{2, 3, 4}, []int{2, 3, 4}, []int{1, 3, 1}},
		{[]int{2, 3, 40000}, []int{1, 1, 40000}, []int{2, 3, 40000}},
		{[]int{5, 7}, []int{5, 1}, []int{1, 7}},
		{[]int{3}, []int{1}, []int{3}},
		{[]int{40}, []int{1}, []int{40}}, // scalar first, long enough for the vector loops
		{[]int{37}, []int{37}, []int{37}},
		{[]int{2, 35}, []int{2, 35}, []int{2, 1}},
	}
	ops := []BinaryOp{Add, Sub, Mul, Div, Maximum, Minimum}
	ref := func(op BinaryOp, x, y float64) float64 {
		return []float64{x + y, x - y, x * y, x / y, math.Max(x, y), math.Min(x, y)}[op]
	}
	r := rand.New(rand.NewPCG(5, 5))
	for _, path := range paths() {
		withPath(t, path)
		for _, tc := range cases {
			for _, op := range ops {
				a, b := randSlice(r, prod(tc.a)), randSlice(r, prod(tc.b))
				as, bs := bcastStrides(tc.a, tc.out), bcastStrides(tc.b, tc.out)
				got := make([]float32, prod(tc.out))
				if err := Binary(op, got, tc.out, a, as, b, bs); err != nil {
					t.Fatal(err)
				}
				idx := make([]int, len(tc.out))
				for i := range got {
					want := float32(ref(op, float64(naiveAt(a, as, idx)), float64(naiveAt(b, bs, idx))))
					if got[i] != want {
						t.Fatalf("op %d out %v a %v b %v: [%d] = %v, want %v", op, tc.out, tc.a, tc.b, i, got[i], want)
					}
					incIndex(idx, tc.out)
				}
			}
		}
	}
}

func TestCopyTransposeBroadcast(t *testing.T) {
	src := []float32{0, 1, 2, 3, 4, 5} // [2][3]
	got := make([]float32, 6)
	if err := Copy(got, []int{3, 2}, src, []int{1, 3}); err != nil { // transpose
		t.Fatal(err)
	}
	closeEnough(t, "transpose", got, []float32{0, 3, 1, 4, 2, 5}, 0)
	got = make([]float32, 12)
	if err := Copy(got, []int{2, 2, 3}, src, []int{3, 0, 1}); err != nil { // broadcast middle axis
		t.Fatal(err)
	}
	closeEnough(t, "broadcast", got, []float32{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, 0)
}

func naiveReduce(op ReduceOp, src []float32, dims, axes []int) []float32 {
	red := map[int]bool{}
	for _, a := range axes {
		red[a] = true
	}
	var od []int
	for d, n := range dims {
		if !red[d] {
			od = append(od, n)
		}
	}
	acc := make([]float64, prod(od))
	for i := range acc {
		if op == ReduceMax {
			acc[i] = math.Inf(-1)
		}
	}
	idx := make([]int, len(dims))
	ost := RowMajorStrides(od)
	for _, v := range src {
		o, k := 0, 0
		for d := range dims {
			if !red[d] {
				o += idx[d] * ost[k]
				k++
			}
		}
		if op == ReduceSum {
			acc[o] += float64(v)
		} else {
			acc[o] = math.Max(acc[o], float64(v))
		}
		incIndex(idx, dims)
	}
	out := make([]float32, len(acc))
	for i, v := range acc {
		out[i] = float32(v)
	}
	return out
}

func TestReduce(t *testing.T) {
	cases := []struct{ dims, axes []int }{
		{[]int{4, 5, 6}, []int{0, 2}},
		{[]int{4, 5, 6}, []int{1}},
		{[]int{4, 5, 6}, []int{2}},
		{[]int{4, 5, 6}, []int{0, 1, 2}},
		{[]int{8, 3, 64, 64}, []int{0, 2, 3}},
		{[]int{8, 3, 64, 64}, []int{0}},
	}
	r := rand.New(rand.NewPCG(6, 6))
	for _, tc := range cases {
		for _, op := range []ReduceOp{ReduceSum, ReduceMax} {
			src := randSlice(r, prod(tc.dims))
			want := naiveReduce(op, src, tc.dims, tc.axes)
			got := make([]float32, len(want))
			if err := Reduce(op, got, src, tc.dims, tc.axes); err != nil {
				t.Fatal(err)
			}
			closeEnough(t, fmt.Sprintf("op %d %v/%v", op, tc.dims, tc.axes), got, want, 1e-5)
		}
	}
	if err := Reduce(ReduceSum, make([]float32, 1), make([]float32, 4), []int{4}, []int{1}); err == nil {
		t.Error("axis 1 of a rank-1 array accepted")
	}
}

func TestMulReduceSum(t *testing.T) {
	cases := []struct {
		name        string
		dims, axes  []int
		aDims, bDim []int
		wantFused   bool
	}{
		// DotGeneral-gradient shaped: [Cout, B, S, Cin] product of v [Cout,B,S,1] and x [1,B,S,Cin], summed over B,S.
		{"weight-grad", []int{6, 3, 20, 5}, []int{1, 2}, []int{6, 3, 20, 1}, []int{1, 3, 20, 5}, true},
		{"batched", []int{4, 3, 7, 5}, []int{2}, []int{4, 3, 7, 1}, []int{4, 1, 7, 5}, true},
		{"full-dot", []int{50}, []int{0}, []int{50}, []int{50}, true},
		// Batch norm's scale gradient: both operands full, per-channel sums (streamed dots).
		{"per-channel-dots", []int{3, 4, 37}, []int{0, 2}, []int{3, 4, 37}, []int{3, 4, 37}, true},
		{"gemm-path", []int{40, 3, 20, 36}, []int{1, 2}, []int{40, 3, 20, 1}, []int{1, 3, 20, 36}, true},
		{"gemm-batched", []int{3, 40, 17, 36}, []int{2}, []int{3, 40, 17, 1}, []int{3, 1, 17, 36}, true},
		{"one-sided-reduce", []int{4, 6}, []int{1}, []int{4, 6}, []int{4, 1}, false},
	}
	r := rand.New(rand.NewPCG(8, 8))
	for _, tc := range cases {
		a, b := randSlice(r, prod(tc.aDims)), randSlice(r, prod(tc.bDim))
		as, bs := bcastStrides(tc.aDims, tc.dims), bcastStrides(tc.bDim, tc.dims)
		prodv := make([]float32, prod(tc.dims))
		if err := Binary(Mul, prodv, tc.dims, a, as, b, bs); err != nil {
			t.Fatal(err)
		}
		want := naiveReduce(ReduceSum, prodv, tc.dims, tc.axes)
		got := make([]float32, len(want))
		fused, err := MulReduceSum(got, tc.dims, tc.axes, a, as, b, bs)
		if err != nil {
			t.Fatal(err)
		}
		if fused != tc.wantFused {
			t.Fatalf("%s: fused = %v, want %v", tc.name, fused, tc.wantFused)
		}
		if fused {
			closeEnough(t, tc.name, got, want, 1e-5)
		}
	}
}

// TestCopyPermutations checks Copy against a naive strided gather for transposes with
// short and long inner runs (the depth-to-space permutation among them).
func TestCopyPermutations(t *testing.T) {
	cases := []struct{ dims, perm []int }{
		{[]int{2, 3, 2, 2, 5, 4}, []int{0, 1, 4, 2, 5, 3}},
		{[]int{4, 3, 40}, []int{1, 0, 2}},
		{[]int{3, 50, 7}, []int{2, 1, 0}},
		{[]int{6}, []int{0}},
	}
	r := rand.New(rand.NewPCG(12, 12))
	for _, tc := range cases {
		src := randSlice(r, prod(tc.dims))
		st := RowMajorStrides(tc.dims)
		od, os := make([]int, len(tc.perm)), make([]int, len(tc.perm))
		for i, p := range tc.perm {
			od[i], os[i] = tc.dims[p], st[p]
		}
		got := make([]float32, len(src))
		if err := Copy(got, od, src, os); err != nil {
			t.Fatal(err)
		}
		idx := make([]int, len(od))
		for i := range got {
			if want := naiveAt(src, os, idx); got[i] != want {
				t.Fatalf("dims %v perm %v: [%d] = %v, want %v", tc.dims, tc.perm, i, got[i], want)
			}
			incIndex(idx, od)
		}
	}
}

// TestMaxMinPropagateNaN: Maximum and Minimum give NaN where either operand is NaN, on
// every path (the AVX-512 loops' VMAXPS/VMINPS alone would return the second operand),
// element-wise and against a scalar.
func TestMaxMinPropagateNaN(t *testing.T) {
	nan := float32(math.NaN())
	a, b := make([]float32, 40), make([]float32, 40)
	for i := range a {
		a[i], b[i] = float32(i%7)-3, float32(i%5)-2
	}
	a[3], a[17], b[5], b[17], b[33] = nan, nan, nan, nan, nan
	for _, path := range paths() {
		withPath(t, path)
		for _, op := range []BinaryOp{Maximum, Minimum} {
			for _, scalar := range []float32{0, nan} {
				for _, useScalar := range []bool{false, true} {
					bb, bs := b, []int{1}
					if useScalar {
						bb, bs = []float32{scalar}, []int{0}
					}
					got := make([]float32, len(a))
					if err := Binary(op, got, []int{len(a)}, a, []int{1}, bb, bs); err != nil {
						t.Fatal(err)
					}
					for i, g := range got {
						y := bb[0]
						if !useScalar {
							y = b[i]
						}
						want := apply(op, a[i], y)
						if math.IsNaN(float64(want)) != math.IsNaN(float64(g)) || (!math.IsNaN(float64(want)) && g != want) {
							t.Fatalf("%s op %d scalar %v (%v): [%d] max/min(%v, %v) = %v, want %v", path, op, useScalar, scalar, i, a[i], y, g, want)
						}
					}
				}
			}
		}
	}
}
