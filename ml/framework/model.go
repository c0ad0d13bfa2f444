package framework

import (
	stdctx "context"
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/train"
)

// Model is a declared FCN bound to a backend: its weights, trainer and predictor.
type Model struct {
	fcn     FCN
	pred    Predict
	trainer *train.Trainer
	// patch is the spatial shape of the training batches (the default window).
	patch []int
	// inChannels is the channel count the model was built for (0 until known).
	inChannels int
}

// New checks the declaration and returns the model; weights are created on first use.
func New(backend backends.Backend, f FCN) (*Model, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	net, l := f.Net, f.Loss
	model := func(ctx *context.Context, x *graph.Node) *graph.Node {
		if c, ok := net.(inputChecker); ok {
			if err := c.CheckInput(x.Shape().Dimensions); err != nil {
				panic(err)
			}
		}
		return net.Build(ctx, x)
	}
	tr, err := train.New(backend, model, l.Loss, f.Metrics, f.Trainer)
	if err != nil {
		return nil, err
	}
	if wl, ok := l.(weightedLoss); ok {
		tr.WithWeightedLoss(wl.WeightedLoss)
	}
	return &Model{fcn: f, pred: f.Predict.withDefaults(), trainer: tr}, nil
}

// Trainer returns the underlying trainer (checkpoints, state, GoMLX context).
func (m *Model) Trainer() *train.Trainer { return m.trainer }

// Train fits the model on trainData, validating on valData (may be nil).
func (m *Model) Train(ctx stdctx.Context, trainData, valData train.Dataset) (*train.Result, error) {
	if trainData != nil && trainData.Len() > 0 {
		b, err := trainData.Batch(0, 0)
		if err != nil {
			return nil, fmt.Errorf("fcn: first training batch: %w", err)
		}
		if len(b.X.Shape) < 3 {
			return nil, fmt.Errorf("fcn: training input shape %v: want [N, C, spatial...]", b.X.Shape)
		}
		m.patch = append([]int(nil), b.X.Shape[2:]...)
		m.inChannels = b.X.Shape[1]
	}
	return m.trainer.Fit(ctx, trainData, valData)
}

// Evaluate returns the mean validation loss and metrics over data.
func (m *Model) Evaluate(data train.Dataset) (map[string]float64, error) {
	return m.trainer.Evaluate(data)
}

// Load reads trained weights from a checkpoint for prediction; example is an input
// batch shape [N, C, spatial...] the model accepts (it sizes the variables).
func (m *Model) Load(path string, example []int) error {
	n := 1
	for _, d := range example {
		n *= d
	}
	if len(example) < 3 || n <= 0 {
		return fmt.Errorf("fcn: load %s: example shape %v must be [N, C, spatial...]", path, example)
	}
	if err := m.trainer.LoadWeights(path, train.Tensor{Shape: example, Data: make([]float32, n)}); err != nil {
		return err
	}
	if m.patch == nil {
		m.patch = append([]int(nil), example[2:]...)
	}
	m.inChannels = example[1]
	return nil
}

// Predictor returns the network as an infer.Predictor (raw outputs).
func (m *Model) Predictor() infer.Predictor {
	return func(ctx stdctx.Context, in []float32, shape []int) ([]float32, []int, error) {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		out, err := m.trainer.Predict(train.Tensor{Shape: shape, Data: in})
		if err != nil {
			return nil, nil, err
		}
		return out.Data, out.Shape, nil
	}
}

func (m *Model) options(spatialRank int) (infer.Options, error) {
	win := m.pred.Window
	if len(win) == 0 {
		win = m.patch
	}
	if len(win) == 0 {
		return infer.Options{}, fmt.Errorf("fcn: predict: model.predict.window is not set and the model has not been trained or loaded here")
	}
	if len(win) != spatialRank {
		return infer.Options{}, fmt.Errorf("fcn: predict: window %v has %d axes, the image has %d spatial axes", win, len(win), spatialRank)
	}
	return infer.Options{Window: win, Overlap: m.pred.Overlap, BatchSize: m.pred.BatchSize, FixedBatch: true,
		Blend: m.pred.Blend}, nil
}

// Predict runs the model over a whole channel-first image x (shape [C, Y, X] or
// [C, Z, Y, X]) in sliding windows and applies the declared output: raw values,
// probabilities or labels (shape [1, spatial...]).
func (m *Model) Predict(ctx stdctx.Context, x []float32, shape []int) ([]float32, []int, error) {
	if len(shape) < 3 {
		return nil, nil, fmt.Errorf("fcn: predict: image shape %v: want [C, Y, X] or [C, Z, Y, X]", shape)
	}
	if m.inChannels > 0 && shape[0] != m.inChannels {
		return nil, nil, fmt.Errorf("fcn: predict: image has %d channels, the model takes %d", shape[0], m.inChannels)
	}
	opt, err := m.options(len(shape) - 1)
	if err != nil {
		return nil, nil, err
	}
	out, outShape, err := infer.Predict(ctx, x, shape, m.Predictor(), opt)
	if err != nil {
		return nil, nil, fmt.Errorf("fcn: predict: %w", err)
	}
	return m.pred.apply(out, outShape)
}

// PredictTCZYX predicts every time point of a TCZYX image (see infer.PredictTCZYX)
// with the declared output applied per predicted unit, as Predict applies it per
// image: per time point for a 3D model, per (time point, z) plane for a 2D model
// (so Otsu levels and MinSize components are those of one plane).
func (m *Model) PredictTCZYX(ctx stdctx.Context, x []float32, shape []int, vol infer.Volume) ([]float32, []int, error) {
	if len(shape) == 5 && m.inChannels > 0 {
		n := len(vol.Channels)
		if n == 0 {
			n = shape[1]
		}
		if n != m.inChannels {
			return nil, nil, fmt.Errorf("fcn: predict: %d input channel(s) selected, the model takes %d", n, m.inChannels)
		}
	}
	opt, err := m.options(vol.Dims)
	if err != nil {
		return nil, nil, err
	}
	out, outShape, err := infer.PredictTCZYX(ctx, x, shape, vol, m.Predictor(), opt)
	if err != nil {
		return nil, nil, fmt.Errorf("fcn: predict: %w", err)
	}
	if m.pred.Output == OutputRaw {
		return out, outShape, nil
	}
	T, C, Z := outShape[0], outShape[1], outShape[2]
	spatial := outShape[2:]
	units, planes := T, 1
	if vol.Dims == 2 {
		spatial, units, planes = outShape[3:], T*Z, Z
	}
	n := 1
	for _, s := range spatial {
		n *= s
	}
	// out is [T, C, Z, Y, X]: gather unit u's channels, apply, scatter back.
	buf := make([]float32, C*n)
	var res []float32
	resC := 0
	for u := 0; u < units; u++ {
		t, z := u/planes, u%planes
		for c := 0; c < C; c++ {
			base := ((t*C+c)*planes + z) * n
			copy(buf[c*n:(c+1)*n], out[base:base+n])
		}
		r, rs, err := m.pred.apply(buf, append([]int{C}, spatial...))
		if err != nil {
			return nil, nil, fmt.Errorf("fcn: predict: time point %d, z %d: %w", t, z, err)
		}
		if res == nil {
			resC = rs[0]
			res = make([]float32, T*resC*planes*n)
		}
		for c := 0; c < resC; c++ {
			base := ((t*resC+c)*planes + z) * n
			copy(res[base:base+n], r[c*n:(c+1)*n])
		}
	}
	return res, append([]int{T, resC}, outShape[2:]...), nil
}
