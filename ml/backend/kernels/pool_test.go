package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestReduceWindowAndSelectScatter(t *testing.T) {
	cases := []struct {
		name string
		w    Window
		ties bool // few distinct values: the first maximum must win, as in the naive loop
	}{
		{"2x2-pool", Window{Dims: []int{2, 3, 8, 6}, Size: []int{1, 1, 2, 2}, Strides: []int{1, 1, 2, 2}, PadLow: []int{0, 0, 0, 0}, Out: []int{2, 3, 4, 3}}, false},
		{"3d-pool", Window{Dims: []int{1, 2, 4, 4, 6}, Size: []int{1, 1, 2, 2, 2}, Strides: []int{1, 1, 2, 2, 2}, PadLow: []int{0, 0, 0, 0, 0}, Out: []int{1, 2, 2, 2, 3}}, false},
		{"overlap-padded", Window{Dims: []int{5, 7}, Size: []int{3, 3}, Strides: []int{1, 2}, PadLow: []int{1, 1}, Out: []int{5, 4}}, false},
		{"2x2-ties", Window{Dims: []int{2, 2, 6, 8}, Size: []int{1, 1, 2, 2}, Strides: []int{1, 1, 2, 2}, PadLow: []int{0, 0, 0, 0}, Out: []int{2, 2, 3, 4}}, true},
		{"3d-ties", Window{Dims: []int{1, 2, 4, 4, 4}, Size: []int{1, 1, 2, 2, 2}, Strides: []int{1, 1, 2, 2, 2}, PadLow: []int{0, 0, 0, 0, 0}, Out: []int{1, 2, 2, 2, 2}}, true},
		{"leftover-and-gaps", Window{Dims: []int{3, 7, 11}, Size: []int{1, 2, 2}, Strides: []int{1, 2, 3}, PadLow: []int{0, 0, 0}, Out: []int{3, 3, 4}}, false},
	}
	r := rand.New(rand.NewPCG(9, 9))
	for _, tc := range cases {
		w := tc.w
		src := randSlice(r, prod(w.Dims))
		if tc.ties {
			for i, v := range src {
				src[i] = float32(int(v*2) % 2)
			}
		}
		st := RowMajorStrides(w.Dims)
		// Naive window enumeration.
		windows := make([][]int, prod(w.Out))
		q := make([]int, len(w.Dims))
		for qi := range windows {
			k := make([]int, len(w.Dims))
			for t := 0; t < prod(w.Size); t++ {
				off, ok := 0, true
				for d := range w.Dims {
					x := q[d]*w.Strides[d] - w.PadLow[d] + k[d]
					if x < 0 || x >= w.Dims[d] {
						ok = false
					}
					off += x * st[d]
				}
				if ok {
					windows[qi] = append(windows[qi], off)
				}
				incIndex(k, w.Size)
			}
			incIndex(q, w.Out)
		}
		gotMax, gotSum := make([]float32, prod(w.Out)), make([]float32, prod(w.Out))
		if err := ReduceWindow(ReduceMax, gotMax, src, &w); err != nil {
			t.Fatal(err)
		}
		if err := ReduceWindow(ReduceSum, gotSum, src, &w); err != nil {
			t.Fatal(err)
		}
		source := randSlice(r, prod(w.Out))
		wantScatter := make([]float32, len(src))
		for qi, offs := range windows {
			m, s, best := math.Inf(-1), 0.0, offs[0]
			for _, o := range offs {
				if float64(src[o]) > m {
					m, best = float64(src[o]), o
				}
				s += float64(src[o])
			}
			if gotMax[qi] != float32(m) || math.Abs(float64(gotSum[qi])-s) > 1e-5 {
				t.Fatalf("%s window %d: max %v sum %v, want %v %v", tc.name, qi, gotMax[qi], gotSum[qi], m, s)
			}
			wantScatter[best] += source[qi]
		}
		gotScatter := randSlice(r, len(src))
		if err := SelectAndScatterMax(gotScatter, src, source, &w); err != nil {
			t.Fatal(err)
		}
		closeEnough(t, tc.name+" scatter", gotScatter, wantScatter, 1e-6)
	}
}

func TestUnary(t *testing.T) {
	src := []float32{-2, -0.5, 0, 0.25, 4, float32(math.Inf(1))}
	ref := map[UnaryOp]func(float64) float64{
		Neg: func(x float64) float64 { return -x }, Abs: math.Abs,
		Sign: func(x float64) float64 {
			if x == 0 {
				return 0
			}
			return math.Copysign(1, x)
		},
		Sqrt: math.Sqrt, Rsqrt: func(x float64) float64 { return 1 / math.Sqrt(x) }, Exp: math.Exp, Log: math.Log,
	}
	for op, f := range ref {
		got := make([]float32, len(src))
		Unary(op, got, src)
		for i, v := range src {
			want := float32(f(float64(v)))
			if got[i] != want && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want))) {
				t.Errorf("op %d (%v) = %v, want %v", op, v, got[i], want)
			}
		}
	}
	nan := float32(math.NaN())
	got := []float32{nan}
	Unary(Sign, got, got)
	if !math.IsNaN(float64(got[0])) {
		t.Errorf("Sign(NaN) = %v, want NaN", got[0])
	}
}

func TestDotGeneral(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	// lhs [2(batch), 5(k), 3(m)], rhs [4(n), 2(batch), 5(k)] → out [2, 3, 4].
	lhs, rhs := randSlice(r, 2*5*3), randSlice(r, 4*2*5)
	out := make([]float32, 2*3*4)
	if err := DotGeneral(out, lhs, []int{2, 5, 3}, []int{1}, []int{0}, rhs, []int{4, 2, 5}, []int{2}, []int{1}); err != nil {
		t.Fatal(err)
	}
	want := make([]float32, len(out))
	for b := 0; b < 2; b++ {
		for m := 0; m < 3; m++ {
			for n := 0; n < 4; n++ {
				var s float64
				for k := 0; k < 5; k++ {
					s += float64(lhs[b*15+k*3+m]) * float64(rhs[n*10+b*5+k])
				}
				want[b*12+m*4+n] = float32(s)
			}
		}
	}
	closeEnough(t, "dot", out, want, 1e-5)
	if err := DotGeneral(out, lhs, []int{2, 5, 3}, []int{1}, nil, rhs, []int{4, 2, 5}, []int{0}, nil); err == nil {
		t.Error("mismatched contracting sizes accepted")
	}
}

// TestSignPathsAgree runs Sign over more than one vector of values (±0, ±Inf, NaN,
// denormals among them) on every path and compares with the portable result bit for bit.
func TestSignPathsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 14))
	src := randSlice(r, 101)
	specials := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32}
	copy(src[3:], specials)
	copy(src[40:], specials)
	want := make([]float32, len(src))
	withPath(t, Portable)
	Unary(Sign, want, src)
	for _, p := range paths() {
		withPath(t, p)
		got := make([]float32, len(src))
		Unary(Sign, got, src)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
				t.Fatalf("%s: Sign(%v) = %v, want %v", p, src[i], got[i], want[i])
			}
		}
	}
}

// TestPoolNaN: a NaN in a window makes its max NaN (as Go's max does) and never receives
// the gradient unless it comes first, on the row-wise fast path and the general one alike.
func TestPoolNaN(t *testing.T) {
	nan := float32(math.NaN())
	for _, w := range []Window{
		{Dims: []int{2, 4}, Size: []int{2, 2}, Strides: []int{2, 2}, PadLow: []int{0, 0}, Out: []int{1, 2}}, // fast path
		{Dims: []int{2, 4}, Size: []int{2, 2}, Strides: []int{1, 2}, PadLow: []int{1, 0}, Out: []int{2, 2}}, // general
	} {
		fast := w.Strides[0] == 2
		src := []float32{1, nan, nan, 2, 5, 3, 4, 0}
		mx := make([]float32, prod(w.Out))
		if err := ReduceWindow(ReduceMax, mx, src, &w); err != nil {
			t.Fatal(err)
		}
		grad := make([]float32, len(src))
		source := []float32{10, 20, 30, 40}[:prod(w.Out)]
		if err := SelectAndScatterMax(grad, src, source, &w); err != nil {
			t.Fatal(err)
		}
		if fast {
			// Windows {1, NaN, 5, 3} and {NaN, 2, 4, 0}.
			if !math.IsNaN(float64(mx[0])) || !math.IsNaN(float64(mx[1])) {
				t.Errorf("fast path: max %v, want NaN in both windows", mx)
			}
			if want := []float32{0, 0, 20, 0, 10, 0, 0, 0}; !slices.Equal(grad, want) {
				t.Errorf("fast path: gradient %v, want %v (the NaN first in window 1 wins, no other)", grad, want)
			}
		} else if !math.IsNaN(float64(mx[0])) {
			t.Errorf("general path: max %v, want NaN first", mx)
		}
	}
}
