package im2im

import (
	"math"
	"sort"
	"strings"

	"github.com/im2im/im2im/stdlib/plot"
)

// metricUnit is the axis a validation or evaluation metric is drawn on: one
// chart per unit, so a dB curve never flattens a 0–1 score.
func metricUnit(name string) (unit, title string) {
	switch strings.ToLower(name) {
	case "psnr":
		return "dB", "PSNR (dB)"
	case "dice", "iou", "jaccard", "ssim", "pearson", "pearsonr", "r":
		return "score", "score (0–1)"
	}
	return name, name
}

// metricCharts groups metric curves by unit: one chart each (0–1 scores
// first), titled with its metrics and labelled with its unit.
func metricCharts(title, xlabel string, curves []plot.Curve) []plot.Chart {
	var order []string
	byUnit := map[string]*plot.Chart{}
	for _, c := range curves {
		unit, ylabel := metricUnit(c.Name)
		ch := byUnit[unit]
		if ch == nil {
			ch = &plot.Chart{Title: title, XLabel: xlabel, YLabel: ylabel}
			byUnit[unit] = ch
			order = append(order, unit)
		}
		ch.Curves = append(ch.Curves, c)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i] == "score" && order[j] != "score" })
	out := make([]plot.Chart, len(order))
	for i, u := range order {
		out[i] = *byUnit[u]
		names := make([]string, len(out[i].Curves))
		for k, c := range out[i].Curves {
			names[k] = c.Name
		}
		out[i].Title = title + " " + strings.Join(names, ", ")
	}
	return out
}

// logScaled reports whether loss curves read better on a log axis: every value
// positive and spanning more than a factor of 20.
func logScaled(curves []plot.Curve) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range curves {
		for _, v := range c.Y {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if v <= 0 {
				return false
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	return hi > 20*lo
}
