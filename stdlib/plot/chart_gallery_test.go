package plot

import (
	"math"
	"testing"
)

// TestChartGallery renders the charts training and evaluation show (a loss on
// a log axis with its validation, 0–1 scores, dB, per-image points with a
// dashed mean) and checks the figure's width: the charts side by side, each
// with its legend in a strip right of the plot area, narrower charts when the
// row would be wider than maxWidth (a notebook would shrink its text).
func TestChartGallery(t *testing.T) {
	steps := make([]float64, 120)
	for i := range steps {
		steps[i] = 0.05 + 2.2*math.Exp(-float64(i)/15) + 0.03*math.Sin(float64(i))
	}
	loss := Chart{Title: "loss", XLabel: "step", YLabel: "loss (log scale)", LogY: true, Curves: []Curve{
		{Name: "train", Y: steps}, {Name: "val", X: []float64{30, 60, 90, 120}, Y: []float64{0.5, 0.2, 0.1, 0.08}}}}
	scores := Chart{Title: "validation scores", XLabel: "epoch", YLabel: "score (0–1)", Curves: []Curve{
		{Name: "dice", X: []float64{1, 2, 3, 4}, Y: []float64{0.8, 0.9, 0.95, 0.96}},
		{Name: "iou", X: []float64{1, 2, 3, 4}, Y: []float64{0.7, 0.82, 0.9, 0.93}}}}
	db := Chart{Title: "validation PSNR", XLabel: "epoch", YLabel: "PSNR (dB)", Curves: []Curve{
		{Name: "psnr", X: []float64{1, 2, 3, 4}, Y: []float64{18, 22, 24.5, 25}}}}
	perImage := Chart{Title: "dice per test image", XLabel: "image", YLabel: "dice", Curves: []Curve{
		{Name: "per image", Y: []float64{0.97, 0.99, 0.95, 0.98}, Points: true},
		{Name: "mean 0.973", X: []float64{1, 4}, Y: []float64{0.973, 0.973}, Dashed: true}}}
	tests := []struct {
		name   string
		charts []Chart
	}{
		{"training", []Chart{loss, scores, db}},
		{"two", []Chart{loss, scores}},
		{"evaluation", []Chart{perImage}},
		{"empty", []Chart{{Title: "no curves"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := Charts(tc.charts...)
			saveGallery(t, "charts_"+tc.name, f)
			im, err := f.Image()
			if err != nil {
				t.Fatal(err)
			}
			var w, legends float64
			for _, c := range tc.charts {
				_, leg, err := chart(c)
				if err != nil {
					t.Fatal(err)
				}
				lw := legendWidth(leg)
				if (lw > 0) != (len(c.Curves) > 0) {
					t.Errorf("%s: legend strip %v for %d curves", c.Title, lw, len(c.Curves))
				}
				w += float64(chartW + lw)
				legends += float64(lw)
			}
			w *= dpi / 72.0 // pixels at full chart width
			if w > maxWidth {
				n := float64(len(tc.charts))
				w = math.Max(maxWidth, legends*dpi/72+n*float64(minChartW)*dpi/72)
			}
			if b := im.Bounds(); math.Abs(float64(b.Dx())-w) > 1 || b.Dy() != px(chartH) {
				t.Errorf("figure %v, want %.0f×%d", b, w, px(chartH))
			}
		})
	}
}
