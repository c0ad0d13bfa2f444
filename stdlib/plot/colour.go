package plot

import (
	"image/color"
	"math"
	"sort"
)

// maxLabels is the most distinct values an automatically recognised label
// image has (an intensity image has far more grey levels).
const maxLabels = 64

// IsLabels reports whether values look like a label image: every value a
// non-negative integer, at most 64 distinct ones (masks, classes, a few dozen
// instances). Panels of Kind "" and `im2im image convert` to PNG use it.
func IsLabels(values []float32) bool {
	seen := map[float32]bool{}
	for _, v := range values {
		if v < 0 || v != float32(math.Trunc(float64(v))) || v > 1<<24 {
			return false
		}
		if !seen[v] {
			if len(seen) == maxLabels {
				return false
			}
			seen[v] = true
		}
	}
	return len(values) > 0
}

// LabelColor is the colour of label l: 0 (background) black, then hues a
// golden angle apart (1 orange, 2 blue, 3 green, 4 red, …) with saturation and
// brightness in three tiers, so neighbouring labels differ.
func LabelColor(l int) color.RGBA {
	if l <= 0 {
		return color.RGBA{A: 255}
	}
	h := math.Mod(0.11+float64(l-1)*0.618034, 1)
	tiers := [3][2]float64{{0.85, 1}, {0.45, 0.95}, {1, 0.72}}
	t := tiers[(l-1)%3]
	return hsv(h, t[0], t[1])
}

// hsv converts a colour from hue, saturation and value in 0..1.
func hsv(h, s, v float64) color.RGBA {
	i := int(h * 6)
	f := h*6 - float64(i)
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	var r, g, b float64
	switch i % 6 {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	u := func(x float64) uint8 { return uint8(x*255 + 0.5) }
	return color.RGBA{R: u(r), G: u(g), B: u(b), A: 255}
}

// percentileRange returns the 1st and 99.8th percentiles of values (every
// stride-th value of very large inputs), widened to the minimum and maximum
// when they coincide; ok is false when there are no finite values.
func percentileRange(values ...[]float32) (lo, hi float64, ok bool) {
	n := 0
	for _, v := range values {
		n += len(v)
	}
	stride := max(1, n/2_000_000)
	s := make([]float32, 0, n/stride+1)
	for _, v := range values {
		for i := 0; i < len(v); i += stride {
			if f := v[i]; !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) {
				s = append(s, f)
			}
		}
	}
	if len(s) == 0 {
		return 0, 1, false
	}
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	mn, mx := float64(s[0]), float64(s[len(s)-1])
	lo, hi = max(mn, percentile(s, 1)), min(mx, percentile(s, 99.8))
	if hi <= lo {
		lo, hi = mn, mx
	}
	return lo, hi, true
}

// level maps v in lo..hi to a grey level 0..255 (clipped; 0 for an empty range).
func level(v float32, lo, hi float64) uint8 {
	f := 0.0
	if hi > lo {
		f = (float64(v) - lo) / (hi - lo)
	}
	if math.IsNaN(f) {
		f = 0
	}
	return uint8(min(1, max(0, f))*255 + 0.5)
}

// percentile returns the p-th percentile (0..100) of sorted values, linearly
// interpolated.
func percentile(sorted []float32, p float64) float64 {
	pos := p / 100 * float64(len(sorted)-1)
	i := int(pos)
	j := min(i+1, len(sorted)-1)
	f := pos - float64(i)
	return float64(sorted[i])*(1-f) + float64(sorted[j])*f
}
