package post

import (
	"fmt"
	"math"
)

// Threshold returns a mask that is 1 where x > t and 0 elsewhere.
func Threshold(x []float32, t float32) []uint8 {
	out := make([]uint8, len(x))
	for i, v := range x {
		if v > t {
			out[i] = 1
		}
	}
	return out
}

// OtsuLevel returns the threshold that maximises the between-class variance of the
// histogram of x (Otsu's method) computed with the given number of bins (256 when
// bins <= 0). Pixels strictly above the level form the foreground. NaNs are ignored.
// It fails when x has no finite value; a constant x yields that constant.
func OtsuLevel(x []float32, bins int) (float32, error) {
	if bins <= 0 {
		bins = 256
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		lo, hi = math.Min(lo, f), math.Max(hi, f)
	}
	if lo > hi {
		return 0, fmt.Errorf("post: Otsu threshold of %d values: no finite value", len(x))
	}
	if lo == hi {
		return float32(lo), nil
	}
	width := (hi - lo) / float64(bins)
	hist := make([]float64, bins)
	for _, v := range x {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		b := int((f - lo) / width)
		if b >= bins {
			b = bins - 1
		}
		hist[b]++
	}
	var total, sumAll float64
	for i, h := range hist {
		total += h
		sumAll += h * float64(i)
	}
	var w0, sum0, bestVar float64
	best := 0
	for i := 0; i < bins-1; i++ {
		w0 += hist[i]
		sum0 += hist[i] * float64(i)
		w1 := total - w0
		if w0 == 0 || w1 == 0 {
			continue
		}
		m0, m1 := sum0/w0, (sumAll-sum0)/w1
		if v := w0 * w1 * (m0 - m1) * (m0 - m1); v > bestVar {
			bestVar, best = v, i
		}
	}
	// The level is the upper edge of the last background bin.
	return float32(lo + width*float64(best+1)), nil
}

// Otsu thresholds x at its Otsu level (256 bins) and returns the mask and the level.
func Otsu(x []float32) ([]uint8, float32, error) {
	t, err := OtsuLevel(x, 256)
	if err != nil {
		return nil, 0, err
	}
	return Threshold(x, t), t, nil
}
