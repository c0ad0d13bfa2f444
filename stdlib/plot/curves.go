package plot

import (
	"fmt"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Curve is one named series. X may be empty (then 1, 2, 3, ...).
type Curve struct {
	Name string
	X, Y []float64
}

// Chart is one panel of curves with a title and axis labels; LogY draws Y on a
// log scale (losses).
type Chart struct {
	Title, XLabel, YLabel string
	LogY                  bool
	Curves                []Curve
}

var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
}

// Curves draws one chart of the given curves (x: step or epoch).
func Curves(title string, curves ...Curve) *Figure {
	return Charts(Chart{Title: title, Curves: curves})
}

// Charts draws charts side by side.
func Charts(charts ...Chart) *Figure {
	row := make([]*gplot.Plot, len(charts))
	for i, c := range charts {
		p, err := chart(c)
		if err != nil {
			return &Figure{err: err}
		}
		row[i] = p
	}
	return render([][]*gplot.Plot{row}, vg.Length(len(charts))*3.6*vg.Inch, 2.6*vg.Inch)
}

func chart(c Chart) (*gplot.Plot, error) {
	p := gplot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = c.Title, c.XLabel, c.YLabel
	p.Add(plotter.NewGrid())
	if c.LogY {
		p.Y.Scale = gplot.LogScale{}
		p.Y.Tick.Marker = gplot.LogTicks{Prec: -1}
	}
	any := false
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for i, cv := range c.Curves {
		if len(cv.X) != 0 && len(cv.X) != len(cv.Y) {
			return nil, fmt.Errorf("plot: curve %q has %d x and %d y values", cv.Name, len(cv.X), len(cv.Y))
		}
		pts := make(plotter.XYs, 0, len(cv.Y))
		for j, y := range cv.Y {
			x := float64(j + 1)
			if len(cv.X) > 0 {
				x = cv.X[j]
			}
			if math.IsNaN(y) || math.IsInf(y, 0) || (c.LogY && y <= 0) {
				continue
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
		if len(pts) == 0 {
			continue
		}
		any = true
		col := palette[i%len(palette)]
		if len(pts) == 1 {
			s, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, err
			}
			s.Color = col
			p.Add(s)
			p.Legend.Add(cv.Name, s)
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = col, vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(cv.Name, l)
	}
	if !any && c.LogY {
		p.Y.Scale, p.Y.Tick.Marker = gplot.LinearScale{}, gplot.DefaultTicks{}
	}
	if any && c.LogY && ymin == ymax {
		// gonum widens an empty range by ±1, which crosses zero for values below 1 and
		// panics on a log scale: widen by a factor instead.
		p.Y.Min, p.Y.Max = ymin/2, ymax*2
	}
	p.Legend.Top = true
	return p, nil
}
