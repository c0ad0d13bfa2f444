package im2im

import (
	"reflect"
	"testing"

	"github.com/im2im/im2im/stdlib/plot"
)

// TestMetricCharts: dB and 0–1 metrics never share an axis.
func TestMetricCharts(t *testing.T) {
	tests := []struct {
		names []string
		want  []string // chart titles
	}{
		{[]string{"dice", "iou"}, []string{"validation dice, iou"}},
		{[]string{"psnr", "ssim"}, []string{"validation ssim", "validation psnr"}},
		{[]string{"pearson", "psnr", "cycle"}, []string{"validation pearson", "validation psnr", "validation cycle"}},
		{nil, []string{}},
	}
	for _, tc := range tests {
		var curves []plot.Curve
		for _, n := range tc.names {
			curves = append(curves, plot.Curve{Name: n, Y: []float64{1}})
		}
		got := []string{}
		for _, c := range metricCharts("validation", "epoch", curves) {
			got = append(got, c.Title)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: charts %q, want %q", tc.names, got, tc.want)
		}
	}
	if !logScaled([]plot.Curve{{Y: []float64{2, 0.05}}}) || logScaled([]plot.Curve{{Y: []float64{0.5, 0.1}}}) || logScaled([]plot.Curve{{Y: []float64{-1, 100}}}) {
		t.Error("logScaled: want log only for positive values over more than a factor of 20")
	}
}
