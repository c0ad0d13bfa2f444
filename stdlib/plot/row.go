package plot

import (
	"bytes"
	"image"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// dpi of rendered figures (gonum's default): a point is 4/3 pixels.
const dpi = 96

// textStyle is plain text of the given size in points.
func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(gplot.DefaultFont, size), Handler: gplot.DefaultTextHandler}
}

// px converts a length in points to pixels.
func px(l vg.Length) int { return int(math.Ceil(float64(l) * dpi / 72)) }

// canvasText draws text on a figure canvas at pixel coordinates from the
// top-left corner.
type canvasText struct {
	c *draw.Canvas
	h int // canvas height in pixels
}

func (t canvasText) at(sty text.Style, x, y float64, s string) {
	t.c.FillText(sty, vg.Point{X: vg.Length(x * 72 / dpi), Y: vg.Length((float64(t.h) - y) * 72 / dpi)}, s)
}

// shadowed draws white text with a dark shadow, readable on any picture.
func (t canvasText) shadowed(sty text.Style, x, y float64, s string) {
	sh := sty
	sh.Color = color.RGBA{0, 0, 0, 200}
	t.at(sh, x+1, y+1, s)
	sty.Color = color.White
	t.at(sty, x, y, s)
}

// drawRow renders shown panels side by side, titles above, colour bars and
// scale bars as asked.
func drawRow(shown []*shownPanel) *Figure {
	W, H, band := rowWidth(shown), 0, titleH
	styles, titles := make([]text.Style, len(shown)), make([][]string, len(shown))
	for i, sp := range shown {
		H = max(H, sp.h)
		styles[i], titles[i] = panelTitle(sp.p.Title, sp.w+gap)
		if len(titles[i]) > 1 {
			band = titleH + titleLineH
		}
	}
	H += band + 2*gap
	cv := vgimg.NewWith(vgimg.UseWH(vg.Length(W)*72/dpi, vg.Length(H)*72/dpi), vgimg.UseDPI(dpi))
	img, ok := cv.Image().(*image.RGBA)
	if !ok {
		return &Figure{err: errNotRGBA}
	}
	dc := draw.New(cv)
	txt := canvasText{c: &dc, h: H}
	x := gap
	for i, sp := range shown {
		y := gap + band
		for j, line := range titles[i] { // the last line just above the picture
			ty := y - titleH/2 - (len(titles[i])-1-j)*titleLineH
			txt.at(styles[i], float64(x)+float64(sp.w)/2, float64(ty), line)
		}
		offsets := [][2]int{{0, 0}, {0, sp.dh[0] + viewGap}, {sp.dw[0] + viewGap, 0}}
		for i, pl := range sp.planes {
			paste(img, raster(pl, sp.dw[i], sp.dh[i], sp.lk), x+offsets[i][0], y+offsets[i][1])
		}
		if len(sp.planes) == 3 {
			small := textStyle(8, color.White)
			for i, name := range []string{"XY", "XZ", "YZ"} {
				txt.shadowed(small, float64(x+offsets[i][0]+3), float64(y+offsets[i][1]+11), name)
			}
		}
		if sp.pxPerUm > 0 {
			scaleBar(img, txt, sp, x, y)
		}
		if sp.bar {
			colorBar(img, txt, sp, x+sp.w+barGap, y, sp.dh[0])
		}
		x += sp.width() + gap
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: cv}).WriteTo(&b); err != nil {
		return &Figure{err: err}
	}
	return &Figure{png: b.Bytes(), text: desc(shown)}
}

// barLabelWidth is the width of the widest label of a panel's colour bar.
func barLabelWidth(sp *shownPanel) int {
	tick, w := textStyle(9, color.Black), 0
	_, labels := niceTicks(sp.lk.lo, sp.lk.hi, 4, false)
	for _, l := range labels {
		w = max(w, px(tick.Width(l)))
	}
	return w
}

// fitText shortens s with "…" until it fits w pixels.
func fitText(sty text.Style, s string, w int) string {
	r := []rune(s)
	for len(r) > 1 && px(sty.Width(string(r))) > w {
		r = append(r[:len(r)-2], '…')
	}
	return string(r)
}

// colorBar draws the grey ramp of a panel's range (high at the top) at x, y
// with h pixels and labels nice values beside it.
func colorBar(img *image.RGBA, txt canvasText, sp *shownPanel, x, y, h int) {
	lo, hi := sp.lk.lo, sp.lk.hi
	for i := 0; i < h; i++ {
		g := uint8(255 - (255*i+h/2)/max(1, h-1))
		if h == 1 {
			g = 255
		}
		fill(img, image.Rect(x, y+i, x+barW, y+i+1), color.RGBA{g, g, g, 255})
	}
	frame := color.RGBA{90, 90, 90, 255}
	fill(img, image.Rect(x, y, x+barW, y+1), frame)
	fill(img, image.Rect(x, y+h-1, x+barW, y+h), frame)
	fill(img, image.Rect(x, y, x+1, y+h), frame)
	fill(img, image.Rect(x+barW-1, y, x+barW, y+h), frame)
	sty := textStyle(9, color.Black)
	sty.YAlign = draw.YCenter
	vals, labels := niceTicks(lo, hi, 4, false)
	for i, v := range vals {
		ty := y + int(math.Round((hi-v)/(hi-lo)*float64(h-1)))
		fill(img, image.Rect(x+barW, ty, x+barW+3, ty+1), frame)
		txt.at(sty, float64(x+barW+4), float64(ty), labels[i])
	}
}

// niceFloor returns the largest 1, 2 or 5 × 10^k not above v (v > 0).
func niceFloor(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{5, 2, 1} {
		if m*p <= v*(1+1e-9) {
			return m * p
		}
	}
	return p
}

// scaleBar draws a bar of a round physical length (at most a quarter of the
// picture's width) in the bottom-right corner of the first view.
func scaleBar(img *image.RGBA, txt canvasText, sp *shownPanel, x, y int) {
	pl := sp.planes[0]
	width := float64(pl.w) * pl.sx // µm
	l := niceFloor(width / 4)
	n := int(math.Round(l * sp.pxPerUm))
	if n < 4 || n > sp.dw[0]-16 {
		return
	}
	x1, y1 := x+sp.dw[0]-8, y+sp.dh[0]-8
	fill(img, image.Rect(x1-n-1, y1-5, x1+1, y1+1), color.RGBA{0, 0, 0, 255})
	fill(img, image.Rect(x1-n, y1-4, x1, y1), color.RGBA{255, 255, 255, 255})
	s := label(l) + " µm"
	if l < 1 {
		s = label(l*1000) + " nm"
	}
	sty := textStyle(9, color.White)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
	txt.shadowed(sty, float64(x1-n/2), float64(y1-7), s)
}
