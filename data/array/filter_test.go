package array

import (
	"math"
	"testing"
)

func TestGaussianKernelNormalized(t *testing.T) {
	for _, s := range []float64{0, 0.5, 1, 2.5} {
		k := GaussianKernel(s)
		var sum float64
		for _, v := range k {
			sum += float64(v)
		}
		if math.Abs(sum-1) > 1e-5 || len(k)%2 != 1 {
			t.Errorf("sigma %v: len %d sum %v", s, len(k), sum)
		}
	}
}

func TestGaussianBlurImpulseAndConstant(t *testing.T) {
	a := New(1, 9, 9)
	a.Data[4*9+4] = 1
	b, err := GaussianBlur(a, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	var sum float32
	for _, v := range b.Data {
		sum += v
	}
	if math.Abs(float64(sum)-1) > 1e-4 {
		t.Errorf("impulse mass %v, want 1", sum)
	}
	if !(b.Data[4*9+4] > b.Data[4*9+5] && b.Data[4*9+5] > b.Data[4*9+6]) {
		t.Errorf("blurred impulse not peaked at the centre: %v", b.Data[36:45])
	}
	if b.Data[4*9+3] != b.Data[4*9+5] || b.Data[3*9+4] != b.Data[5*9+4] {
		t.Error("blurred impulse not symmetric")
	}
	c := New(2, 3, 4, 5)
	c.Fill(3)
	d, err := GaussianBlur(c, []float64{2, 0.7, 1.3})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range d.Data {
		if math.Abs(float64(v)-3) > 1e-5 {
			t.Fatalf("constant image changed by blur: %v", v)
		}
	}
	if _, err := GaussianBlur(c, []float64{1}); err == nil {
		t.Error("wrong number of sigmas accepted")
	}
}

func TestReflect(t *testing.T) {
	for _, tc := range []struct{ i, n, want int }{{-1, 5, 1}, {-2, 5, 2}, {5, 5, 3}, {6, 5, 2}, {0, 1, 0}, {-3, 1, 0}, {9, 5, 1}} {
		if got := Reflect(tc.i, tc.n); got != tc.want {
			t.Errorf("Reflect(%d,%d) = %d want %d", tc.i, tc.n, got, tc.want)
		}
	}
}
