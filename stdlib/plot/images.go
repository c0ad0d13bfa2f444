package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
)

// Layout of image rows, in pixels.
const (
	panelSide = 256 // the longest side of a panel's picture
	titleH    = 22  // title band above each picture
	gap       = 10  // between panels and around the row
	viewGap   = 4   // between the orthogonal views of one panel
	barGap    = 6   // between a picture and its colour bar
	barW      = 12  // colour bar width
)

// shownPanel is a panel ready to draw: its planes, colours and display sizes.
type shownPanel struct {
	p       Panel
	planes  []plane
	lk      look
	bar     bool
	dw, dh  []int   // display size of each plane
	pxPerUm float64 // display pixels per µm along X of the first plane (0: unknown)
	w, h    int     // picture size (all views)
	barLabW int     // width of the colour bar's labels
}

// Images draws panels side by side at their true aspect (physical aspect when
// PixelSize is set, with a scale bar): intensities from the 1st to the 99.8th
// percentile of the panel (or of its Group, or its Range) in grey, three
// channels as RGB, label images in categorical colours; an Outline (with
// Truth: errors in two colours) over the panel; 3D as the middle slice, a
// maximum projection or orthogonal views.
func Images(panels ...Panel) *Figure {
	shown, err := prepare(panels)
	if err != nil {
		return &Figure{err: err}
	}
	return drawRow(shown)
}

// prepare checks panels and chooses their colours, ranges and sizes.
func prepare(panels []Panel) ([]*shownPanel, error) {
	if len(panels) == 0 {
		return nil, fmt.Errorf("nothing to plot")
	}
	shown := make([]*shownPanel, len(panels))
	for i, p := range panels {
		if err := p.check(); err != nil {
			return nil, fmt.Errorf("plot: panel %q: %w", p.Title, err)
		}
		c, _, _, _, _ := p.dims()
		rgb := c == 3 && p.Kind != KindLabels
		sp := &shownPanel{p: p, planes: views(p, rgb)}
		sp.lk.rgb = rgb
		sp.lk.labels = p.Kind == KindLabels || (p.Kind == "" && !rgb && IsLabels(sp.planes[0].ch[0]))
		sp.bar = p.ColorBar && !sp.lk.labels && !rgb
		shown[i] = sp
	}
	setRanges(shown)
	for _, sp := range shown {
		sp.size(panelSide, false)
		if sp.bar {
			sp.barLabW = barLabelWidth(sp)
		}
	}
	fitRow(shown)
	return shown, nil
}

// setRanges gives each intensity panel its display range: its Range, else the
// percentile range of its Group's panels, else its own.
func setRanges(shown []*shownPanel) {
	groups := map[string][][]float32{}
	for _, sp := range shown {
		if sp.p.Group != "" && !sp.lk.labels && sp.p.Range == nil {
			for _, pl := range sp.planes {
				groups[sp.p.Group] = append(groups[sp.p.Group], pl.ch...)
			}
		}
	}
	for _, sp := range shown {
		switch {
		case sp.lk.labels:
		case sp.p.Range != nil:
			sp.lk.lo, sp.lk.hi = sp.p.Range[0], sp.p.Range[1]
		case sp.p.Group != "":
			sp.lk.lo, sp.lk.hi, _ = percentileRange(groups[sp.p.Group]...)
		default:
			var vs [][]float32
			for _, pl := range sp.planes {
				vs = append(vs, pl.ch...)
			}
			sp.lk.lo, sp.lk.hi, _ = percentileRange(vs...)
		}
	}
}

// size chooses the display size of every plane: the longest physical side of
// the picture becomes side pixels, rounded to a whole number of display pixels
// per data pixel when enlarging square pixels (so every pixel is drawn alike).
// A panel shrunk to fit its row (shrink) never grows past side: it rounds
// down when that loses under 15 % of its size, else it keeps the exact scale.
func (sp *shownPanel) size(side int, shrink bool) {
	pls := sp.planes
	physW, physH := float64(pls[0].w)*pls[0].sx, float64(pls[0].h)*pls[0].sy
	if len(pls) == 3 { // XY, XZ below, YZ right
		physW += float64(pls[2].w) * pls[2].sx
		physH += float64(pls[1].h) * pls[1].sy
	}
	s := float64(side) / math.Max(physW, physH) // display pixels per physical unit
	if k := s * pls[0].sx; pls[0].sx == pls[0].sy && k >= 1 {
		switch {
		case !shrink:
			s = math.Round(k) / pls[0].sx
		case math.Floor(k) >= 0.85*k:
			s = math.Floor(k) / pls[0].sx
		}
	}
	sp.dw, sp.dh = make([]int, len(pls)), make([]int, len(pls))
	for i, pl := range pls {
		sp.dw[i] = max(1, int(math.Round(float64(pl.w)*pl.sx*s)))
		sp.dh[i] = max(1, int(math.Round(float64(pl.h)*pl.sy*s)))
	}
	sp.w, sp.h = sp.dw[0], sp.dh[0]
	if len(pls) == 3 {
		sp.w += viewGap + sp.dw[2]
		sp.h += viewGap + sp.dh[1]
	}
	if _, _, _, known := sp.p.spacing(); known {
		sp.pxPerUm = s
	}
}

// width is the panel's width with its colour bar and labels.
func (sp *shownPanel) width() int {
	if !sp.bar {
		return sp.w
	}
	return sp.w + barGap + barW + 4 + sp.barLabW
}

// desc is the one-line text form of a figure of panels.
func desc(shown []*shownPanel) string {
	parts := make([]string, len(shown))
	for i, sp := range shown {
		p := sp.p
		kind := "intensity"
		switch {
		case sp.lk.labels:
			kind = "labels"
		case sp.lk.rgb:
			kind = "RGB"
		}
		_, z, y, x, _ := p.dims()
		size := fmt.Sprintf("%d×%d", x, y)
		if z > 1 {
			size = fmt.Sprintf("%d×%d×%d %s", x, y, z, orString(p.View, "middle slice"))
		}
		parts[i] = fmt.Sprintf("%s (%s %s)", orString(p.Title, "untitled"), size, kind)
	}
	return "images: " + strings.Join(parts, " | ")
}

// orString returns s, or def when s is empty.
func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// paste copies src into dst with its top-left corner at (x, y).
func paste(dst *image.RGBA, src *image.RGBA, x, y int) {
	b := src.Bounds()
	for i := 0; i < b.Dy(); i++ {
		copy(dst.Pix[dst.PixOffset(x, y+i):dst.PixOffset(x+b.Dx(), y+i)], src.Pix[src.PixOffset(0, i):src.PixOffset(b.Dx(), i)])
	}
}

// fill paints a rectangle of dst.
func fill(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(dst.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			dst.SetRGBA(x, y, c)
		}
	}
}
