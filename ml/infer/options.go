package infer

import (
	"context"
	"fmt"
)

// Predictor maps a batch of windows to predictions. in has shape [N, C, spatial...]
// (row-major, in its data slice); the result must have shape [N, C', spatial...] with
// the same N and spatial extents and any number of channels C'.
type Predictor func(ctx context.Context, in []float32, shape []int) (out []float32, outShape []int, err error)

// Blend says how overlapping window predictions are weighted.
type Blend int

const (
	// Gaussian weights each window by a gaussian centred on it (sigma =
	// SigmaScale × window size per axis), so window borders count little.
	Gaussian Blend = iota
	// Constant weights every voxel of every window equally.
	Constant
)

// Padding says how an image smaller than the window is extended before prediction.
type Padding int

const (
	// PadReflect mirrors the image at its borders (without repeating the edge voxel).
	PadReflect Padding = iota
	// PadZero fills with zeros.
	PadZero
)

// Options configure a sliding-window prediction.
type Options struct {
	// Window is the spatial window size, one value per spatial axis (YX or ZYX).
	Window []int
	// Overlap is the fraction of a window shared with its neighbour, in [0, 1).
	Overlap float64
	// BatchSize is the number of windows handed to the Predictor at once (default 1).
	BatchSize int
	// FixedBatch pads the last batch with zero windows to BatchSize so the predictor
	// always sees one batch shape (a compiled graph is reused instead of rebuilt).
	FixedBatch bool
	// Blend selects gaussian (default) or constant weighting.
	Blend Blend
	// SigmaScale is the gaussian sigma as a fraction of the window size (default 0.125).
	SigmaScale float64
	// Padding selects how images smaller than the window are extended (default reflect).
	Padding Padding
	// Progress, if set, is called after each batch with the windows done and the total.
	Progress func(done, total int)
	// Grid, when set, aligns the windows per spatial axis: the image is padded
	// at its end (Padding) to a multiple of Grid, and window starts and own
	// regions (see EachBatch) fall on multiples of it, so a network that
	// down-samples by Grid sees every window on the grid of the whole image.
	// The window must be a multiple of Grid; missing or non-positive values
	// mean 1.
	Grid []int
}

// grid returns the alignment of spatial axis a (at least 1).
func (o Options) grid(a int) int {
	if a < len(o.Grid) && o.Grid[a] > 0 {
		return o.Grid[a]
	}
	return 1
}

// padded returns the spatial extents the image is padded to: each axis at
// least the window and a multiple of its grid.
func (o Options) padded(spatial []int) []int {
	p := make([]int, len(spatial))
	for a, s := range spatial {
		g := o.grid(a)
		p[a] = (s + g - 1) / g * g
		if a < len(o.Window) {
			p[a] = max(p[a], o.Window[a])
		}
	}
	return p
}

func (o Options) check(spatial []int) error {
	if len(o.Window) != len(spatial) {
		return fmt.Errorf("infer: window %v has %d axes, the image has %d spatial axes %v",
			o.Window, len(o.Window), len(spatial), spatial)
	}
	for i, w := range o.Window {
		if w <= 0 {
			return fmt.Errorf("infer: window %v: extent %d of axis %d must be positive", o.Window, w, i)
		}
		if w%o.grid(i) != 0 {
			return fmt.Errorf("infer: window %v: extent %d of axis %d is not a multiple of the grid %d", o.Window, w, i, o.grid(i))
		}
	}
	for i, s := range spatial {
		if s <= 0 {
			return fmt.Errorf("infer: image spatial shape %v: extent %d of axis %d must be positive", spatial, s, i)
		}
	}
	if o.Overlap < 0 || o.Overlap >= 1 {
		return fmt.Errorf("infer: overlap %v must be in [0, 1)", o.Overlap)
	}
	if o.BatchSize < 0 {
		return fmt.Errorf("infer: batch size %d must not be negative", o.BatchSize)
	}
	if o.SigmaScale < 0 {
		return fmt.Errorf("infer: sigma scale %v must not be negative", o.SigmaScale)
	}
	return nil
}
