package plot

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Curve is one named series. X may be empty (then 1, 2, 3, ...). Points draws
// markers without a line, Dashed a dashed line.
type Curve struct {
	Name           string
	X, Y           []float64
	Points, Dashed bool
}

// Chart is one panel of curves with a title and axis labels; LogY draws Y on a
// log scale (losses). Put one unit on a chart: dB and 0–1 scores apart.
type Chart struct {
	Title, XLabel, YLabel string
	LogY                  bool
	Curves                []Curve
}

// Chart geometry: the plot area's frame, and the legend beside it.
const (
	chartW    = 3.6 * vg.Inch
	chartH    = 2.6 * vg.Inch
	minChartW = 2.4 * vg.Inch // the narrowest a chart gets to fit its row
)

var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
}

// Curves draws one chart of the given curves (x: step or epoch).
func Curves(title string, curves ...Curve) *Figure {
	return Charts(Chart{Title: title, Curves: curves})
}

// Charts draws charts side by side, each with its legend to the right of the
// plot area (never over the curves), nice ticks and axes that hold every point.
func Charts(charts ...Chart) *Figure {
	if len(charts) == 0 {
		return &Figure{err: fmt.Errorf("nothing to plot")}
	}
	plots := make([]*gplot.Plot, len(charts))
	legends := make([]gplot.Legend, len(charts))
	widths := make([]vg.Length, len(charts))
	descs := make([]string, len(charts))
	var legendsW vg.Length
	for i, c := range charts {
		p, leg, err := chart(c)
		if err != nil {
			return &Figure{err: err}
		}
		plots[i], legends[i] = p, leg
		legendsW += legendWidth(leg)
		descs[i] = describe(c)
	}
	cw := chartWidth(len(charts), legendsW)
	var total vg.Length
	for i, leg := range legends {
		widths[i] = cw + legendWidth(leg)
		total += widths[i]
	}
	cv := vgimg.NewWith(vgimg.UseWH(total, chartH), vgimg.UseDPI(dpi))
	dc := draw.New(cv)
	var x vg.Length
	pad := vg.Millimeter
	for i, p := range plots {
		lw := legendWidth(legends[i])
		area := draw.Crop(dc, x+pad, -(total - x - widths[i] + lw + pad), pad, -pad)
		p.Draw(area)
		if lw > 0 {
			strip := draw.Crop(dc, x+widths[i]-lw, -(total - x - widths[i] + pad), pad, -(pad + 1.4*p.Title.TextStyle.Font.Size))
			legends[i].Draw(strip)
		}
		x += widths[i]
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: cv}).WriteTo(&b); err != nil {
		return &Figure{err: err}
	}
	return &Figure{png: b.Bytes(), text: "charts: " + strings.Join(descs, " | ")}
}

// chartWidth is the width of each of n charts' plot area: chartW, or less (not
// under minChartW) so that the row with its legends (legendsW) fits maxWidth.
func chartWidth(n int, legendsW vg.Length) vg.Length {
	fit := (vg.Length(maxWidth)*72/dpi - legendsW) / vg.Length(n)
	return max(minChartW, min(chartW, fit))
}

// describe is a chart's one-line description: title, y label and curve names.
func describe(c Chart) string {
	names := make([]string, len(c.Curves))
	for i, cv := range c.Curves {
		names[i] = cv.Name
	}
	s := orString(c.Title, "chart")
	if c.YLabel != "" {
		s += " [" + c.YLabel + "]"
	}
	return s + " (" + strings.Join(names, ", ") + ")"
}

// legendWidth is the width of a legend's strip (0 when it is empty).
func legendWidth(l gplot.Legend) vg.Length {
	r := l.Rectangle(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: chartW, Y: chartH}}})
	if r.Size().X == 0 {
		return 0
	}
	return r.Size().X + 3*vg.Millimeter
}

// chart builds a chart's plot and its legend.
func chart(c Chart) (*gplot.Plot, gplot.Legend, error) {
	p := gplot.New()
	leg := gplot.NewLegend()
	leg.Left, leg.Top = true, true
	leg.TextStyle.Font.Size = 10
	leg.Padding = vg.Points(3)
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = c.Title, c.XLabel, c.YLabel
	p.Add(plotter.NewGrid())
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	integerX := true
	for i, cv := range c.Curves {
		if len(cv.X) != 0 && len(cv.X) != len(cv.Y) {
			return nil, leg, fmt.Errorf("plot: curve %q has %d x and %d y values", cv.Name, len(cv.X), len(cv.Y))
		}
		pts := make(plotter.XYs, 0, len(cv.Y))
		for j, y := range cv.Y {
			x := float64(j + 1)
			if len(cv.X) > 0 {
				x = cv.X[j]
			}
			if math.IsNaN(y) || math.IsInf(y, 0) || math.IsNaN(x) || math.IsInf(x, 0) || (c.LogY && y <= 0) {
				continue
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
			xmin, xmax, ymin, ymax = math.Min(xmin, x), math.Max(xmax, x), math.Min(ymin, y), math.Max(ymax, y)
			integerX = integerX && x == math.Trunc(x)
		}
		if len(pts) == 0 {
			continue
		}
		col := palette[i%len(palette)]
		if len(pts) == 1 || cv.Points {
			s, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, leg, err
			}
			s.Color, s.Shape, s.Radius = col, draw.CircleGlyph{}, vg.Points(2.5)
			p.Add(s)
			leg.Add(cv.Name, s)
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, leg, err
		}
		l.Color, l.Width = col, vg.Points(1.5)
		if cv.Dashed {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(l)
		leg.Add(cv.Name, l)
	}
	if math.IsInf(xmin, 0) { // nothing to draw: an empty frame
		xmin, xmax, ymin, ymax = 0, 1, 0, 1
		c.LogY = false
	}
	p.X.Min, p.X.Max = padRange(xmin, xmax, false, 0.03)
	p.Y.Min, p.Y.Max = padRange(ymin, ymax, c.LogY, 0.05)
	p.X.Tick.Marker = linearTicks{integer: integerX}
	p.Y.Tick.Marker = linearTicks{}
	if c.LogY {
		p.Y.Scale = gplot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	return p, leg, nil
}

// padRange widens lo..hi by frac of its span on both sides (a factor on a log
// axis), and an empty range to a visible one.
func padRange(lo, hi float64, log bool, frac float64) (float64, float64) {
	if log {
		if hi <= lo {
			return lo / 2, hi * 2
		}
		f := math.Pow(hi/lo, frac)
		return lo / f, hi * f
	}
	if hi <= lo {
		d := math.Max(math.Abs(lo)*0.1, 0.5)
		return lo - d, hi + d
	}
	d := (hi - lo) * frac
	return lo - d, hi + d
}
