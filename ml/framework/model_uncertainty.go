package framework

import (
	stdctx "context"
	"fmt"

	"github.com/im2im/im2im/ml/infer"
)

// rawTCZYX runs the network over every unit of a TCZYX image in sliding
// windows (predictRaw per unit): its raw output, [T, C', Z, Y, X].
func (m *Model) rawTCZYX(ctx stdctx.Context, x []float32, shape []int, vol infer.Volume) ([]float32, []int, error) {
	return infer.PredictUnits(ctx, x, shape, vol, m.predictRaw)
}

// HasUncertainty reports whether the framework's inference also maps
// uncertainty (Inference.Uncertainty).
func (m *Model) HasUncertainty() bool { return m.inf.Uncertainty != nil }

// Output is one predicted TCZYX image: values and shape [T, C, Z, Y, X].
type Output struct {
	Data  []float32
	Shape []int
}

// PredictTCZYXUncertainty is PredictTCZYX that also returns the uncertainty
// map of the same network run (Inference.Uncertainty per predicted unit; a
// zero Output when the framework has none).
func (m *Model) PredictTCZYXUncertainty(ctx stdctx.Context, x []float32, shape []int, vol infer.Volume) (pred, unc Output, err error) {
	if !m.HasUncertainty() {
		pred.Data, pred.Shape, err = m.PredictTCZYX(ctx, x, shape, vol)
		return pred, unc, err
	}
	name := m.fw.Name()
	if err := m.checkChannels(shape, vol); err != nil {
		return pred, unc, err
	}
	out, outShape, err := m.rawTCZYX(ctx, x, shape, vol)
	if err != nil {
		return pred, unc, err
	}
	if pred.Data, pred.Shape, err = perUnit(out, outShape, vol.Dims, m.post, name); err != nil {
		return pred, unc, err
	}
	unc.Data, unc.Shape, err = perUnit(out, outShape, vol.Dims, m.inf.Uncertainty, name)
	return pred, unc, err
}

// PredictUncertainty is Predict (one channel-first image, [C, Y, X] or [C, Z,
// Y, X]) that also returns the uncertainty map of the same network run (a
// zero Output when the framework has none).
func (m *Model) PredictUncertainty(ctx stdctx.Context, x []float32, shape []int) (pred, unc Output, err error) {
	if !m.HasUncertainty() {
		pred.Data, pred.Shape, err = m.Predict(ctx, x, shape)
		return pred, unc, err
	}
	name := m.fw.Name()
	if len(shape) < 3 {
		return pred, unc, fmt.Errorf("%s: predict: image shape %v: want [C, Y, X] or [C, Z, Y, X]", name, shape)
	}
	out, outShape, err := m.predictRaw(ctx, x, shape)
	if err != nil {
		return pred, unc, err
	}
	if pred.Data, pred.Shape, err = m.post(out, outShape); err != nil {
		return pred, unc, err
	}
	unc.Data, unc.Shape, err = m.inf.Uncertainty(out, outShape)
	return pred, unc, err
}
