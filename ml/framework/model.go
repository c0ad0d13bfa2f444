package framework

import (
	stdctx "context"
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/train"
)

// Model is a framework bound to a backend: its weights, trainer and predictor.
type Model struct {
	fw      Framework
	inf     Inference
	trainer *train.Trainer
	// inChannels is the channel count the model was built for (0 until known).
	inChannels int

	// For predictions on whole-image normalisation statistics (tiling_stats.go):
	// the backend, the network's prediction graph, its count of instance and
	// group norm layers (-1 until a statistics pass has built it) and the
	// graph of the prediction on fixed statistics.
	backend       backends.Backend
	predictFn     train.ModelFn
	normLayers    int
	normFixedExec *context.Exec
}

// New checks the declaration and returns the model; weights are created on first use.
func New(backend backends.Backend, f Framework) (*Model, error) {
	if err := f.Validate().Err(); err != nil {
		return nil, err
	}
	task := f.Task()
	tr, err := train.NewTask(backend, task, f.TrainConfig())
	if err != nil {
		return nil, err
	}
	predictFn := task.Predict
	if task.Infer != nil {
		predictFn = task.Infer
	}
	return &Model{fw: f, inf: f.Inference(), trainer: tr, backend: backend, predictFn: predictFn, normLayers: -1}, nil
}

// Framework returns the model's declaration.
func (m *Model) Framework() Framework { return m.fw }

// Trainer returns the underlying trainer (checkpoints, state, GoMLX context).
func (m *Model) Trainer() *train.Trainer { return m.trainer }

// Train fits the model on trainData, validating on valData (may be nil).
func (m *Model) Train(ctx stdctx.Context, trainData, valData train.Dataset) (*train.Result, error) {
	if trainData != nil && trainData.Len() > 0 {
		b, err := trainData.Batch(0, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: first training batch: %w", m.fw.Name(), err)
		}
		if len(b.X.Shape) < 3 {
			return nil, fmt.Errorf("%s: training input shape %v: want [N, C, spatial...]", m.fw.Name(), b.X.Shape)
		}
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
		return fmt.Errorf("%s: load %s: example shape %v must be [N, C, spatial...]", m.fw.Name(), path, example)
	}
	if err := m.trainer.LoadWeights(path, train.Tensor{Shape: example, Data: make([]float32, n)}); err != nil {
		return err
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

// Window returns the sliding window Predict uses on an image of the given
// spatial extents (YX or ZYX of one predicted unit), see ChooseWindow.
// When the image needs several windows and the framework normalises on
// whole-image statistics (Inference.WholeImageStats), NormPasses is the
// number of passes a prediction makes (known once the model has predicted a
// tiled image).
func (m *Model) Window(spatial []int) WindowChoice {
	w := ChooseWindow(spatial, m.inf.Window, m.inf.Divisors, m.inf.MaxVoxels, m.inf.BatchSize, m.inf.Overlap)
	if m.inf.WholeImageStats && !w.Whole && m.normLayers > 0 {
		w.NormPasses = m.normLayers + 1
	}
	return w
}

func (m *Model) options(spatial []int) (infer.Options, int, error) {
	w := m.Window(spatial)
	if len(w.Window) != len(spatial) {
		return infer.Options{}, 0, fmt.Errorf("%s: predict: window %v has %d axes, the image has %d spatial axes", m.fw.Name(), w.Window, len(w.Window), len(spatial))
	}
	return infer.Options{Window: w.Window, Overlap: m.inf.Overlap, BatchSize: w.BatchSize, FixedBatch: true,
		Blend: m.inf.Blend, Grid: windowGrid(w.Window, m.inf.Divisors)}, w.Windows, nil
}

// predictRaw runs the network over one channel-first unit ([C, Y, X] or [C,
// Z, Y, X]) in sliding windows: its raw output, blended. When the unit needs
// several windows and the framework asks for it, instance and group norm use
// the statistics of the whole unit (see wholeImageStats), so the output does
// not depend on the tiling.
func (m *Model) predictRaw(ctx stdctx.Context, x []float32, shape []int) ([]float32, []int, error) {
	name := m.fw.Name()
	if len(shape) < 3 {
		return nil, nil, fmt.Errorf("%s: predict: image shape %v: want [C, Y, X] or [C, Z, Y, X]", name, shape)
	}
	opt, windows, err := m.options(shape[1:])
	if err != nil {
		return nil, nil, err
	}
	pred := m.Predictor()
	if m.inf.WholeImageStats && windows > 1 {
		fixed, err := m.wholeImageStats(ctx, x, shape, opt)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: predict: %w", name, err)
		}
		if len(fixed) > 0 {
			pred = m.fixedPredictor(fixed)
		}
	}
	if m.inf.Wrap != nil {
		pred = m.inf.Wrap(pred)
	}
	out, outShape, err := infer.Predict(ctx, x, shape, pred, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: predict: %w", name, err)
	}
	return out, outShape, nil
}

// post applies the framework's post-processing to one unit's output.
func (m *Model) post(out []float32, shape []int) ([]float32, []int, error) {
	if m.inf.Post == nil {
		return out, shape, nil
	}
	return m.inf.Post(out, shape)
}

// Predict runs the model over a whole channel-first image x (shape [C, Y, X] or
// [C, Z, Y, X]) in sliding windows and applies the framework's post-processing
// (FCN: raw values, probabilities or labels of shape [1, spatial...]).
func (m *Model) Predict(ctx stdctx.Context, x []float32, shape []int) ([]float32, []int, error) {
	name := m.fw.Name()
	if len(shape) < 3 {
		return nil, nil, fmt.Errorf("%s: predict: image shape %v: want [C, Y, X] or [C, Z, Y, X]", name, shape)
	}
	if m.inChannels > 0 && shape[0] != m.inChannels {
		return nil, nil, fmt.Errorf("%s: predict: image has %d channels, the model takes %d", name, shape[0], m.inChannels)
	}
	out, outShape, err := m.predictRaw(ctx, x, shape)
	if err != nil {
		return nil, nil, err
	}
	return m.post(out, outShape)
}

// PredictTCZYX predicts every time point of a TCZYX image (see infer.PredictTCZYX)
// with the post-processing applied per predicted unit, as Predict applies it per
// image: per time point for a 3D model, per (time point, z) plane for a 2D model
// (so FCN's Otsu levels and MinSize components are those of one plane).
func (m *Model) PredictTCZYX(ctx stdctx.Context, x []float32, shape []int, vol infer.Volume) ([]float32, []int, error) {
	name := m.fw.Name()
	if err := m.checkChannels(shape, vol); err != nil {
		return nil, nil, err
	}
	out, outShape, err := m.rawTCZYX(ctx, x, shape, vol)
	if err != nil {
		return nil, nil, err
	}
	if m.inf.Post == nil {
		return out, outShape, nil
	}
	return perUnit(out, outShape, vol.Dims, m.post, name)
}

// checkChannels reports when the channels vol selects from a TCZYX image of
// the given shape (all of them when it selects none) are not as many as the
// model takes.
func (m *Model) checkChannels(shape []int, vol infer.Volume) error {
	if len(shape) != 5 || m.inChannels <= 0 {
		return nil
	}
	n := len(vol.Channels)
	if n == 0 {
		n = shape[1]
	}
	if n != m.inChannels {
		return fmt.Errorf("%s: predict: %d input channel(s) selected, the model takes %d", m.fw.Name(), n, m.inChannels)
	}
	return nil
}

// UnitShape is the spatial shape of one predicted unit of a TCZYX image: ZYX
// for a 3D model, YX for a 2D one (nil for a shape that is not 5D).
func UnitShape(tczyx []int, dims int) []int {
	if len(tczyx) != 5 {
		return nil
	}
	if dims == 2 {
		return append([]int(nil), tczyx[3:]...)
	}
	return append([]int(nil), tczyx[2:]...)
}

// perUnit applies post to every predicted unit of a [T, C, Z, Y, X] output: a
// time point for 3D models, a (time point, z) plane for 2D ones.
func perUnit(out []float32, outShape []int, dims int, post func([]float32, []int) ([]float32, []int, error), name string) ([]float32, []int, error) {
	T, C, Z := outShape[0], outShape[1], outShape[2]
	spatial := outShape[2:]
	units, planes := T, 1
	if dims == 2 {
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
		r, rs, err := post(buf, append([]int{C}, spatial...))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: predict: time point %d, z %d: %w", name, t, z, err)
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
