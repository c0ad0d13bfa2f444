package post

import (
	"math"
	"testing"
)

func TestThreshold(t *testing.T) {
	got := Threshold([]float32{0.2, 0.5, 0.7, -1}, 0.5)
	want := []uint8{0, 0, 1, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Threshold = %v, want %v", got, want)
		}
	}
}

func TestOtsu(t *testing.T) {
	cases := []struct {
		name   string
		x      []float32
		lo, hi float32 // the level must lie in (lo, hi]
	}{
		{"two values", []float32{0, 0, 0, 1, 1}, 0, 1},
		{"two clusters", []float32{10, 11, 12, 10, 11, 50, 52, 51, 49}, 12, 49},
		{"ignores NaN", []float32{2, 2, float32(math.NaN()), 8, 8}, 2, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mask, level, err := Otsu(tc.x)
			if err != nil {
				t.Fatal(err)
			}
			if !(level > tc.lo && level <= tc.hi) {
				t.Fatalf("level %v not in (%v, %v]", level, tc.lo, tc.hi)
			}
			for i, v := range tc.x {
				if want := v >= tc.hi; (mask[i] == 1) != want {
					t.Errorf("mask[%d] (value %v) = %d", i, v, mask[i])
				}
			}
		})
	}
	if l, err := OtsuLevel([]float32{3, 3, 3}, 0); err != nil || l != 3 {
		t.Errorf("constant input: level %v, err %v; want 3, nil", l, err)
	}
	if _, err := OtsuLevel([]float32{float32(math.NaN())}, 0); err == nil {
		t.Error("all-NaN input: want an error")
	}
}

// TestOtsuMatchesExhaustive compares with a brute-force search of the threshold
// maximising the between-class variance over the histogram bin edges.
func TestOtsuMatchesExhaustive(t *testing.T) {
	x := []float32{1, 2, 2, 3, 7, 8, 8, 9, 9, 4, 1, 8}
	level, err := OtsuLevel(x, 8)
	if err != nil {
		t.Fatal(err)
	}
	bestVar, bestT := -1.0, 0.0
	lo, width := 1.0, 8.0/8
	for b := 1; b < 8; b++ {
		th := lo + width*float64(b)
		var n0, n1, s0, s1 float64
		for _, v := range x {
			if float64(v) < th {
				n0, s0 = n0+1, s0+float64(v)
			} else {
				n1, s1 = n1+1, s1+float64(v)
			}
		}
		if n0 == 0 || n1 == 0 {
			continue
		}
		if bv := n0 * n1 * (s0/n0 - s1/n1) * (s0/n0 - s1/n1); bv > bestVar+1e-9 {
			bestVar, bestT = bv, th
		}
	}
	// Bin-index means and value means give the same ordering when values sit on bin
	// edges as here (integers with width 1).
	if math.Abs(float64(level)-bestT) > 1e-6 {
		t.Fatalf("Otsu level %v, exhaustive search %v", level, bestT)
	}
}
