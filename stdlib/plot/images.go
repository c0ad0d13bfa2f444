package plot

import (
	"fmt"
	"image"
	"image/color"
	"sort"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Panel is one image: Data in row-major order with Shape [Y, X], [C, Y, X] or
// [C, Z, Y, X]. Three channels are shown as RGB, otherwise the first channel;
// 3D shows the middle Z slice.
type Panel struct {
	Title string
	Data  []float32
	Shape []int
}

// Images draws panels side by side, each scaled from its 1st to 99.8th
// percentile to black..white (RGB panels: over all three channels).
func Images(panels ...Panel) *Figure {
	row := make([]*gplot.Plot, len(panels))
	aspect := 1.0
	for i, pn := range panels {
		var img image.Image
		var err error
		if len(pn.Shape) >= 3 && pn.Shape[0] == 3 {
			img, err = RGB(pn.Data, pn.Shape)
		} else {
			img, err = Gray(pn.Data, pn.Shape)
		}
		if err != nil {
			return &Figure{err: fmt.Errorf("plot: panel %q: %w", pn.Title, err)}
		}
		b := img.Bounds()
		aspect = float64(b.Dy()) / float64(b.Dx())
		p := gplot.New()
		p.Title.Text = pn.Title
		p.Add(plotter.NewImage(img, 0, 0, float64(b.Dx()), float64(b.Dy())))
		p.HideAxes()
		row[i] = p
	}
	w := 2.4 * vg.Inch
	return render([][]*gplot.Plot{row}, vg.Length(len(panels))*w, w*vg.Length(aspect)+0.4*vg.Inch)
}

// Gray returns the 2D slice a panel shows (first channel, middle Z) as an 8-bit
// image scaled from the 1st to the 99.8th percentile.
func Gray(data []float32, shape []int) (*image.Gray, error) {
	var y, x, off int
	switch len(shape) {
	case 2:
		y, x = shape[0], shape[1]
	case 3:
		y, x = shape[1], shape[2]
	case 4:
		y, x = shape[2], shape[3]
		off = shape[1] / 2 * y * x
	default:
		return nil, fmt.Errorf("shape %v: want [Y, X], [C, Y, X] or [C, Z, Y, X]", shape)
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(data) || y == 0 || x == 0 {
		return nil, fmt.Errorf("shape %v does not match %d values", shape, len(data))
	}
	sl := data[off : off+y*x]
	s := append([]float32(nil), sl...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	mn, mx := float64(s[0]), float64(s[len(s)-1])
	lo, hi := max(mn, percentile(s, 1)), min(mx, percentile(s, 99.8))
	if hi <= lo {
		lo, hi = mn, mx
	}
	img := image.NewGray(image.Rect(0, 0, x, y))
	for i, v := range sl {
		f := 0.0
		if hi > lo {
			f = (float64(v) - lo) / (hi - lo)
		}
		f = min(1, max(0, f))
		img.SetGray(i%x, i/x, color.Gray{Y: uint8(f*255 + 0.5)})
	}
	return img, nil
}

// RGB returns the 2D slice (middle Z) of a three-channel image [3, Y, X] or
// [3, Z, Y, X] as a colour image, the channels scaled together from the 1st to
// the 99.8th percentile of all their values (so colours keep their balance).
func RGB(data []float32, shape []int) (*image.RGBA, error) {
	if (len(shape) != 3 && len(shape) != 4) || shape[0] != 3 {
		return nil, fmt.Errorf("shape %v: want [3, Y, X] or [3, Z, Y, X]", shape)
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	y, x := shape[len(shape)-2], shape[len(shape)-1]
	if n != len(data) || y == 0 || x == 0 {
		return nil, fmt.Errorf("shape %v does not match %d values", shape, len(data))
	}
	per, off := n/3, 0
	if len(shape) == 4 {
		off = shape[1] / 2 * y * x
	}
	var s []float32
	for c := 0; c < 3; c++ {
		s = append(s, data[c*per+off:c*per+off+y*x]...)
	}
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	mn, mx := float64(s[0]), float64(s[len(s)-1])
	lo, hi := max(mn, percentile(s, 1)), min(mx, percentile(s, 99.8))
	if hi <= lo {
		lo, hi = mn, mx
	}
	scale := func(v float32) uint8 {
		f := 0.0
		if hi > lo {
			f = (float64(v) - lo) / (hi - lo)
		}
		return uint8(min(1, max(0, f))*255 + 0.5)
	}
	img := image.NewRGBA(image.Rect(0, 0, x, y))
	for i := 0; i < y*x; i++ {
		img.SetRGBA(i%x, i/x, color.RGBA{R: scale(data[off+i]), G: scale(data[per+off+i]), B: scale(data[2*per+off+i]), A: 255})
	}
	return img, nil
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
