package infer

import (
	"context"
	"fmt"
)

// Predict runs pred over the channel-first image x of shape [C, spatial...] (CYX or
// CZYX) in overlapping windows and blends the window predictions into one output
// of shape [C', spatial...]. Images smaller than the window along an axis are
// padded (Options.Padding) and the output is cropped back. It checks ctx between
// batches and returns ctx.Err() when cancelled.
func Predict(ctx context.Context, x []float32, shape []int, pred Predictor, opt Options) ([]float32, []int, error) {
	t, err := newTiles(x, shape, opt)
	if err != nil {
		return nil, nil, err
	}
	win, padded, imgN := opt.Window, t.padded, t.imgN
	weights := importance(win, opt.Blend, opt.SigmaScale)
	var acc []float64 // [C', padded...], allocated once C' is known
	norm := make([]float64, imgN)
	outC := 0
	err = t.each(ctx, func(b0, n int, batch []float32, inShape []int) error {
		out, outShape, err := pred(ctx, batch, inShape)
		if err != nil {
			return fmt.Errorf("infer: predicting windows %d..%d of %d: %w", b0+1, b0+n, len(t.positions), err)
		}
		if err := checkOutput(out, outShape, inShape); err != nil {
			return err
		}
		if acc == nil {
			outC = outShape[1]
			acc = make([]float64, outC*imgN)
		}
		for k := 0; k < n; k++ {
			st := t.positions[b0+k]
			forEachRow(padded, st, win, func(boxOff, arrOff int) {
				for j := 0; j < win[len(win)-1]; j++ {
					norm[arrOff+j] += weights[boxOff+j]
				}
			})
			for ch := 0; ch < outC; ch++ {
				src := out[(k*outC+ch)*t.winN:]
				dst := acc[ch*imgN:]
				forEachRow(padded, st, win, func(boxOff, arrOff int) {
					for j := 0; j < win[len(win)-1]; j++ {
						dst[arrOff+j] += float64(src[boxOff+j]) * weights[boxOff+j]
					}
				})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	// Normalise and crop back to the original spatial extent.
	spatial := t.spatial
	res := make([]float32, outC*prod(spatial))
	spN := prod(spatial)
	zero := make([]int, len(spatial))
	for ch := 0; ch < outC; ch++ {
		src := acc[ch*imgN:]
		dst := res[ch*spN:]
		forEachRow(padded, zero, spatial, func(boxOff, arrOff int) {
			for j := 0; j < spatial[len(spatial)-1]; j++ {
				dst[boxOff+j] = float32(src[arrOff+j] / norm[arrOff+j])
			}
		})
	}
	return res, append([]int{outC}, spatial...), nil
}

func checkOutput(out []float32, outShape, inShape []int) error {
	if len(outShape) != len(inShape) || outShape[0] != inShape[0] || outShape[1] <= 0 {
		return fmt.Errorf("infer: predictor returned shape %v for input %v: want [%d, C', %v]",
			outShape, inShape, inShape[0], inShape[2:])
	}
	for i := 2; i < len(inShape); i++ {
		if outShape[i] != inShape[i] {
			return fmt.Errorf("infer: predictor returned shape %v for input %v: spatial extents must match the window",
				outShape, inShape)
		}
	}
	if prod(outShape) != len(out) {
		return fmt.Errorf("infer: predictor returned %d values for shape %v (want %d)", len(out), outShape, prod(outShape))
	}
	return nil
}
