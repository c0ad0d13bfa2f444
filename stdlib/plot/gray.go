package plot

import (
	"fmt"
	"image"
	"image/color"
)

// Gray returns the 2D slice a panel shows (first channel, middle Z) as an 8-bit
// image scaled from the 1st to the 99.8th percentile.
func Gray(data []float32, shape []int) (*image.Gray, error) {
	p := Panel{Data: data, Shape: shape}
	if _, _, _, _, err := p.dims(); err != nil {
		return nil, err
	}
	pl := views(p, false)[0]
	lo, hi, _ := percentileRange(pl.ch[0])
	img := image.NewGray(image.Rect(0, 0, pl.w, pl.h))
	for i, v := range pl.ch[0] {
		img.SetGray(i%pl.w, i/pl.w, color.Gray{Y: level(v, lo, hi)})
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
	p := Panel{Data: data, Shape: shape}
	if _, _, _, _, err := p.dims(); err != nil {
		return nil, err
	}
	pl := views(p, true)[0]
	lo, hi, _ := percentileRange(pl.ch...)
	img := image.NewRGBA(image.Rect(0, 0, pl.w, pl.h))
	for i := range pl.ch[0] {
		img.SetRGBA(i%pl.w, i/pl.w, color.RGBA{R: level(pl.ch[0][i], lo, hi), G: level(pl.ch[1][i], lo, hi), B: level(pl.ch[2][i], lo, hi), A: 255})
	}
	return img, nil
}

// Labels returns the 2D slice a panel shows (first channel, middle Z) with
// each label in its LabelColor (0 black).
func Labels(data []float32, shape []int) (*image.RGBA, error) {
	p := Panel{Data: data, Shape: shape}
	if _, _, _, _, err := p.dims(); err != nil {
		return nil, err
	}
	pl := views(p, false)[0]
	img := image.NewRGBA(image.Rect(0, 0, pl.w, pl.h))
	for i, v := range pl.ch[0] {
		img.SetRGBA(i%pl.w, i/pl.w, LabelColor(int(v)))
	}
	return img, nil
}
