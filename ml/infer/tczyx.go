package infer

import (
	"context"
	"fmt"
)

// Volume selects what of a TCZYX image a model sees.
type Volume struct {
	// Dims is the number of spatial axes of the model: 2 (each Z plane of each time
	// point is predicted as a YX image) or 3 (each time point as a ZYX volume).
	Dims int
	// Channels lists the input channels fed to the model, in order; empty means all.
	Channels []int
}

// PredictTCZYX predicts every time point of the 5D image x (shape [T, C, Z, Y, X])
// with pred, feeding the selected channels, and returns the result with shape
// [T, C', Z, Y, X]. opt.Window has Dims values.
func PredictTCZYX(ctx context.Context, x []float32, shape []int, vol Volume, pred Predictor, opt Options) ([]float32, []int, error) {
	return PredictUnits(ctx, x, shape, vol, func(ctx context.Context, u []float32, s []int) ([]float32, []int, error) {
		return Predict(ctx, u, s, pred, opt)
	})
}

// UnitFunc predicts one unit of a TCZYX image, channel-first ([C, Y, X] or
// [C, Z, Y, X]), into [C', spatial...] of the same spatial extents.
type UnitFunc func(ctx context.Context, x []float32, shape []int) ([]float32, []int, error)

// PredictUnits is PredictTCZYX with the prediction of each unit (a time point
// of a 3D model, a (time point, z) plane of a 2D one) left to predict, for
// predictions that do more per unit than one Predict.
func PredictUnits(ctx context.Context, x []float32, shape []int, vol Volume, predict UnitFunc) ([]float32, []int, error) {
	if len(shape) != 5 {
		return nil, nil, fmt.Errorf("infer: TCZYX image needs 5 dims, got shape %v", shape)
	}
	if prod(shape) != len(x) {
		return nil, nil, fmt.Errorf("infer: image shape %v needs %d values, got %d", shape, prod(shape), len(x))
	}
	if vol.Dims != 2 && vol.Dims != 3 {
		return nil, nil, fmt.Errorf("infer: model dims must be 2 or 3, got %d", vol.Dims)
	}
	T, C, Z, Y, X := shape[0], shape[1], shape[2], shape[3], shape[4]
	chans := vol.Channels
	if len(chans) == 0 {
		for c := 0; c < C; c++ {
			chans = append(chans, c)
		}
	}
	for _, c := range chans {
		if c < 0 || c >= C {
			return nil, nil, fmt.Errorf("infer: channel %d selected, the image has channels 0..%d", c, C-1)
		}
	}
	plane := Y * X
	vox := Z * plane
	var out []float32
	outC := 0
	// One unit is a time point (3D) or a (time point, z) plane (2D).
	units := T
	unitZ, unitN := Z, vox
	if vol.Dims == 2 {
		units, unitZ, unitN = T*Z, 1, plane
	}
	buf := make([]float32, len(chans)*unitN)
	for u := 0; u < units; u++ {
		t, z := u, 0
		if vol.Dims == 2 {
			t, z = u/Z, u%Z
		}
		for i, c := range chans {
			base := (t*C+c)*vox + z*plane
			copy(buf[i*unitN:(i+1)*unitN], x[base:base+unitN])
		}
		inShape := []int{len(chans), unitZ, Y, X}
		if vol.Dims == 2 {
			inShape = []int{len(chans), Y, X}
		}
		res, resShape, err := predict(ctx, buf, inShape)
		if err != nil {
			return nil, nil, fmt.Errorf("infer: time point %d, z %d: %w", t, z, err)
		}
		if len(resShape) != len(inShape) || (out != nil && resShape[0] != outC) || len(res) != prod(resShape) || prod(resShape[1:]) != unitN {
			return nil, nil, fmt.Errorf("infer: time point %d, z %d: prediction of shape %v for a unit of shape %v", t, z, resShape, inShape)
		}
		if out == nil {
			outC = resShape[0]
			out = make([]float32, T*outC*vox)
		}
		for c := 0; c < outC; c++ {
			base := (t*outC+c)*vox + z*plane
			copy(out[base:base+unitN], res[c*unitN:(c+1)*unitN])
		}
	}
	return out, []int{T, outC, Z, Y, X}, nil
}
