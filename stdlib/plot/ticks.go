package plot

import (
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
)

// niceStep returns the step of 1, 2 or 5 × 10^k that splits span into the
// number of intervals closest to n.
func niceStep(span float64, n int) float64 {
	if !(span > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(span/float64(n))))
	best := p
	for _, m := range []float64{2, 5, 10} {
		if math.Abs(span/(m*p)-float64(n)) < math.Abs(span/best-float64(n)) {
			best = m * p
		}
	}
	return best
}

// niceTicks returns the multiples of a nice step within lo..hi (about n of
// them) and their labels, all with the decimals the step needs ("0.90 0.95
// 1.00", not "0.9 0.95 1").
func niceTicks(lo, hi float64, n int, integer bool) ([]float64, []string) {
	step := niceStep(hi-lo, n)
	if integer {
		step = math.Max(1, math.Round(step))
	}
	var vals []float64
	var labels []string
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		v = cleanZero(v, step)
		vals, labels = append(vals, v), append(labels, stepLabel(v, step))
	}
	return vals, labels
}

// stepLabel formats a multiple of step with the decimals of step (1, 2 or 5 ×
// 10^k), or shortly when that would be long.
func stepLabel(v, step float64) string {
	d := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	if d > 6 || math.Abs(v) >= 1e6 {
		return label(v)
	}
	return strconv.FormatFloat(v, 'f', d, 64)
}

// cleanZero turns values that are zero up to rounding into 0.
func cleanZero(v, step float64) float64 {
	if math.Abs(v) < step*1e-9 {
		return 0
	}
	return v
}

// label formats a tick value shortly (at most 4 significant digits).
func label(v float64) string {
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// linearTicks marks about five nice values (whole numbers when integer).
type linearTicks struct{ integer bool }

// Ticks implements gonum's plot.Ticker.
func (t linearTicks) Ticks(lo, hi float64) []gplot.Tick {
	vals, labels := niceTicks(lo, hi, 5, t.integer)
	out := make([]gplot.Tick, len(vals))
	for i, v := range vals {
		out[i] = gplot.Tick{Value: v, Label: labels[i]}
	}
	return out
}

// logTicks marks powers of ten over wide ranges (three decades or more) and
// 1, 2, 5 × 10^k over narrow ones (every digit when even those are too few),
// with unlabelled minor ticks in between.
type logTicks struct{}

// Ticks implements gonum's plot.Ticker.
func (logTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	k0, k1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	for _, major := range [][]int{{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		if len(major) == 1 && k1-k0 < 3 {
			continue
		}
		var out []gplot.Tick
		labelled := 0
		for k := k0; k <= k1; k++ {
			for d := 1; d <= 9; d++ {
				v := float64(d) * math.Pow(10, float64(k))
				if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
					continue
				}
				t := gplot.Tick{Value: v}
				for _, m := range major {
					if d == m {
						t.Label = label(v)
						labelled++
					}
				}
				out = append(out, t)
			}
		}
		if labelled >= 3 || (labelled == 2 && len(major) == 9) {
			return out
		}
	}
	return []gplot.Tick{{Value: lo, Label: label(lo)}, {Value: hi, Label: label(hi)}}
}
