package plot

import (
	"image"
	"image/color"
)

// Overlay colours: prediction boundaries, false positives, false negatives.
var (
	outlineColor = color.RGBA{255, 230, 0, 255}
	fpColor      = color.RGBA{255, 0, 255, 255}
	fnColor      = color.RGBA{0, 230, 0, 255}
)

// look says how a panel's values become colours.
type look struct {
	labels, rgb bool
	lo, hi      float64
}

// raster draws a plane at dw×dh display pixels (each display pixel shows its
// nearest data pixel, so pixels stay sharp squares when enlarged), then the
// error tint and the outline's boundaries at display resolution.
func raster(pl plane, dw, dh int, lk look) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, dw, dh))
	src := make([]int, dw*dh) // data index of each display pixel
	for i := 0; i < dh; i++ {
		si := min(pl.h-1, i*pl.h/dh)
		for j := 0; j < dw; j++ {
			src[i*dw+j] = si*pl.w + min(pl.w-1, j*pl.w/dw)
		}
	}
	for k, s := range src {
		var c color.RGBA
		switch {
		case lk.labels:
			c = LabelColor(int(pl.ch[0][s]))
		case lk.rgb:
			c = color.RGBA{level(pl.ch[0][s], lk.lo, lk.hi), level(pl.ch[1][s], lk.lo, lk.hi), level(pl.ch[2][s], lk.lo, lk.hi), 255}
		default:
			g := level(pl.ch[0][s], lk.lo, lk.hi)
			c = color.RGBA{g, g, g, 255}
		}
		if pl.truth != nil {
			pred, truth := pl.outline[s] > 0, pl.truth[s] > 0
			switch {
			case pred && !truth:
				c = blend(c, fpColor)
			case truth && !pred:
				c = blend(c, fnColor)
			}
		}
		img.Pix[4*k], img.Pix[4*k+1], img.Pix[4*k+2], img.Pix[4*k+3] = c.R, c.G, c.B, 255
	}
	if pl.outline != nil {
		at := func(i, j int) float32 { return pl.outline[src[i*dw+j]] }
		for i := 0; i < dh; i++ {
			for j := 0; j < dw; j++ {
				v := at(i, j)
				edge := (j+1 < dw && at(i, j+1) != v) || (j > 0 && at(i, j-1) != v) ||
					(i+1 < dh && at(i+1, j) != v) || (i > 0 && at(i-1, j) != v)
				if edge {
					img.SetRGBA(j, i, outlineColor)
				}
			}
		}
	}
	return img
}

// blend mixes a and b half and half.
func blend(a, b color.RGBA) color.RGBA {
	return color.RGBA{uint8((int(a.R) + int(b.R)) / 2), uint8((int(a.G) + int(b.G)) / 2), uint8((int(a.B) + int(b.B)) / 2), 255}
}
