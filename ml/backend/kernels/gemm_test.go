package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// naiveGemm is the reference: C = A·B (+C) in float64.
func naiveGemm(m, n, k int, a, b, c Mat, acc bool) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			if acc {
				s = float64(c.At(i, j))
			}
			for p := 0; p < k; p++ {
				s += float64(a.At(i, p)) * float64(b.At(p, j))
			}
			c.Data[c.Off+i*c.RS+j*c.CS] = float32(s)
		}
	}
}

// closeEnough compares with a tolerance scaled by the magnitude of the summed products.
func closeEnough(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	var scale float64
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	scale = math.Max(scale, 1)
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*scale || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: element %d = %v, want %v (|diff| %.3g > %.3g)", what, i, got[i], want[i], d, tol*scale)
		}
	}
}

// paths returns every micro-kernel path this CPU supports.
func paths() []Path {
	var ps []Path
	for _, p := range []Path{Portable, AVX2, AVX512} {
		if Supported(p) {
			ps = append(ps, p)
		}
	}
	return ps
}

func withPath(t *testing.T, p Path) {
	t.Helper()
	old := ActivePath()
	if err := SetPath(p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { active = old })
}

func TestGemmAgainstNaive(t *testing.T) {
	cases := []struct {
		m, n, k        int
		transA, transB bool
		transC, acc    bool
	}{
		{1, 1, 1, false, false, false, false},
		{8, 32, 16, false, false, false, false},
		{7, 33, 5, false, false, false, true},
		{17, 70, 300, true, false, false, false},
		{9, 16, 513, false, true, true, false},
		{130, 45, 257, true, true, false, true},
		{3, 600, 7, false, false, true, true},
		{5, 4, 0, false, false, false, false},
	}
	for _, p := range paths() {
		for _, tc := range cases {
			name := fmt.Sprintf("%s/%dx%dx%d/tA=%v/tB=%v/tC=%v/acc=%v", p, tc.m, tc.n, tc.k, tc.transA, tc.transB, tc.transC, tc.acc)
			t.Run(name, func(t *testing.T) {
				withPath(t, p)
				r := rand.New(rand.NewPCG(1, uint64(tc.m*1000+tc.n)))
				a := RowMajor(randSlice(r, tc.m*tc.k+3), 3, tc.k)
				if tc.transA {
					a = RowMajor(a.Data, 3, tc.m).T()
				}
				b := RowMajor(randSlice(r, tc.k*tc.n), 0, tc.n)
				if tc.transB {
					b = RowMajor(b.Data, 0, tc.k).T()
				}
				cData := randSlice(r, tc.m*tc.n)
				want := append([]float32(nil), cData...)
				c, cw := RowMajor(cData, 0, tc.n), RowMajor(want, 0, tc.n)
				if tc.transC {
					c, cw = RowMajor(cData, 0, tc.m).T(), RowMajor(want, 0, tc.m).T()
				}
				Gemm(tc.m, tc.n, tc.k, a, b, c, tc.acc)
				naiveGemm(tc.m, tc.n, tc.k, a, b, cw, tc.acc)
				closeEnough(t, name, cData, want, 1e-5*math.Sqrt(float64(tc.k+1)))
			})
		}
	}
}

// TestPathsAgree checks that the assembly micro-kernels match the portable one.
func TestPathsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	kc := 37
	a, b := randSlice(r, kc*MR), randSlice(r, kc*NR)
	var want [MR * NR]float32
	microGo(kc, a, b, &want)
	for _, p := range paths() {
		var got [MR * NR]float32
		for i := range got {
			got[i] = 99 // must be overwritten
		}
		withPath(t, p)
		microKernel()(kc, a, b, &got)
		closeEnough(t, p.String(), got[:], want[:], 1e-5)
	}
}
