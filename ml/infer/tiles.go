package infer

import (
	"context"
	"fmt"
)

// tiles is one image prepared for sliding windows: checked, padded, and its
// window starts placed. Predict and EachBatch walk it batch by batch.
type tiles struct {
	opt             Options
	c               int
	spatial, padded []int
	img             []float32 // [C, padded...]
	positions       [][]int
	batchSize       int
	winN, imgN      int
	inBuf           []float32
}

// newTiles checks the image and options and pads the image.
func newTiles(x []float32, shape []int, opt Options) (*tiles, error) {
	if len(shape) < 2 {
		return nil, fmt.Errorf("infer: image shape %v: want [C, spatial...]", shape)
	}
	if shape[0] <= 0 {
		return nil, fmt.Errorf("infer: image shape %v: channel count must be positive", shape)
	}
	spatial := shape[1:]
	if err := opt.check(spatial); err != nil {
		return nil, err
	}
	if prod(shape) != len(x) {
		return nil, fmt.Errorf("infer: image shape %v needs %d values, got %d", shape, prod(shape), len(x))
	}
	t := &tiles{opt: opt, c: shape[0], spatial: spatial, padded: opt.padded(spatial), img: x}
	for i := range spatial {
		if t.padded[i] != spatial[i] {
			t.img = pad(x, shape, t.padded, opt.Padding)
			break
		}
	}
	t.batchSize = max(opt.BatchSize, 1)
	t.positions = windowStarts(t.padded, opt.Window, opt.Overlap, opt.grid)
	t.winN, t.imgN = prod(opt.Window), prod(t.padded)
	t.inBuf = make([]float32, t.batchSize*t.c*t.winN)
	return t, nil
}

// each calls fn for every batch of windows: b0 is the index of its first
// window, n how many real windows it holds, in its input [nIn, C, window...]
// (nIn is BatchSize with FixedBatch: zero windows pad the last batch). It
// checks ctx before every batch and reports progress after it.
func (t *tiles) each(ctx context.Context, fn func(b0, n int, in []float32, inShape []int) error) error {
	win := t.opt.Window
	for b0 := 0; b0 < len(t.positions); b0 += t.batchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(t.batchSize, len(t.positions)-b0)
		nIn := n
		if t.opt.FixedBatch {
			nIn = t.batchSize
		}
		batch := t.inBuf[:nIn*t.c*t.winN]
		clear(batch)
		for k := 0; k < n; k++ {
			st := t.positions[b0+k]
			for ch := 0; ch < t.c; ch++ {
				dst := batch[(k*t.c+ch)*t.winN:]
				src := t.img[ch*t.imgN:]
				forEachRow(t.padded, st, win, func(boxOff, arrOff int) {
					copy(dst[boxOff:boxOff+win[len(win)-1]], src[arrOff:])
				})
			}
		}
		if err := fn(b0, n, batch, append([]int{nIn, t.c}, win...)); err != nil {
			return err
		}
		if t.opt.Progress != nil {
			t.opt.Progress(b0+n, len(t.positions))
		}
	}
	return nil
}
