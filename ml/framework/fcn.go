package framework

import (
	"errors"
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// Net is a network: Build adds it to x's graph ([N, C, spatial...] in, prediction
// out). ml/nets' networks implement it; when a Net also has Validate() error (its
// *nets.FieldError values are placed at model.net.<field>) or CheckInput(dims
// []int) error, FCN uses them.
type Net interface {
	Build(ctx *context.Context, x *graph.Node) *graph.Node
}

// Loss is a training loss (ml/loss's losses implement it). A loss that also has
// WeightedLoss(pred, target, weight) is given the cost map of batches that have one.
type Loss interface {
	Loss(pred, target *graph.Node) *graph.Node
}

// weightedLoss is a Loss that can also weight voxels by a cost map; FCN uses it for
// batches that carry one.
type weightedLoss interface {
	WeightedLoss(pred, target, weight *graph.Node) *graph.Node
}

type validator interface{ Validate() error }
type divisor interface{ Divisor() int }
type axisDivisor interface{ AxisDivisors() []int }

// axisDivisors returns a net's down-sampling factor per spatial axis (its
// AxisDivisors, else its Divisor on every axis of its Dims up to 3), or nil.
func axisDivisors(n Net) []int {
	if a, ok := n.(axisDivisor); ok {
		return a.AxisDivisors()
	}
	if d, ok := n.(divisor); ok && d.Divisor() > 0 {
		return []int{d.Divisor(), d.Divisor(), d.Divisor()}
	}
	return nil
}

type inputChecker interface{ CheckInput(dims []int) error }

// Prediction outputs.
const (
	// OutputRaw returns the network output as is (logits, or regression values).
	OutputRaw = "raw"
	// OutputProb returns probabilities: sigmoid for one channel, softmax over channels otherwise.
	OutputProb = "prob"
	// OutputLabels returns one channel of class labels: argmax over channels, or
	// sigmoid > Threshold (or the Otsu level, see ThresholdMethod) for one channel.
	OutputLabels = "labels"
)

// Threshold methods of one-channel labels.
const (
	// ThresholdFixed labels voxels whose probability is above Predict.Threshold.
	ThresholdFixed = "fixed"
	// ThresholdOtsu labels voxels whose probability is above the Otsu level of
	// the probabilities of the whole predicted image.
	ThresholdOtsu = "otsu"
)

// Predict configures FCN prediction on whole images.
type Predict struct {
	// Window is the sliding-window size per spatial axis; empty means chosen per
	// image by ChooseWindow: the whole image when it holds at most MaxVoxels
	// voxels (0: DefaultMaxVoxels), else the largest window under that budget.
	// A tiled image's instance and group norm layers use the statistics of the
	// whole image (Inference.WholeImageStats), so the tiling does not change
	// the prediction beyond window-border effects.
	Window    []int `yaml:"window"`
	MaxVoxels int   `yaml:"max_voxels"`
	// Overlap of neighbouring windows (default 0.25) and BatchSize windows per run
	// (default 4). Blend is gaussian unless set to infer.Constant.
	Overlap   float64     `yaml:"overlap"`
	BatchSize int         `yaml:"batch_size"`
	Blend     infer.Blend `yaml:"blend"`
	// Output is "raw" (default), "prob" or "labels".
	Output string `yaml:"output"`
	// Threshold for one-channel labels (default 0.5), used when ThresholdMethod is
	// ThresholdFixed.
	Threshold float64 `yaml:"threshold"`
	// ThresholdMethod chooses how one-channel labels are thresholded:
	// ThresholdFixed (default: probability > Threshold) or ThresholdOtsu (Otsu's
	// level of each predicted image's probabilities).
	ThresholdMethod string `yaml:"threshold_method"`
	// MinSize removes connected foreground components smaller than this many
	// voxels from labels (0: keep all).
	MinSize int `yaml:"min_size"`
	// TTA is test-time augmentation: TTANone ("" too), TTAFlips or
	// TTAFlipsRot90. Each window is predicted once per transform, transformed
	// back, and the predictions averaged (as probabilities for prob and labels
	// outputs); their variance is the uncertainty map.
	TTA string `yaml:"tta"`
}

// FCN declares a fully-convolutional model: network, loss, validation metrics,
// optimizer and schedule (inside Trainer) and how it predicts. It implements
// Framework.
type FCN struct {
	Net     Net
	Loss    Loss
	Metrics []train.Metric
	Trainer train.Config
	Predict Predict
}

// Name implements Framework.
func (FCN) Name() string { return "fcn" }

// TrainConfig implements Framework.
func (f FCN) TrainConfig() train.Config { return f.Trainer }

// Task implements Framework: one objective, the loss of the net's prediction
// (weighted by the cost map of batches that carry one when the loss takes one).
func (f FCN) Task() train.Task {
	net := f.Net
	model := func(ctx *context.Context, x *graph.Node) *graph.Node {
		if c, ok := net.(inputChecker); ok {
			if err := c.CheckInput(x.Shape().Dimensions); err != nil {
				panic(err)
			}
		}
		return net.Build(ctx, x)
	}
	var wl train.WeightedLossFn
	if w, ok := f.Loss.(weightedLoss); ok {
		wl = w.WeightedLoss
	}
	return train.Supervised(model, f.Loss.Loss, wl, f.Metrics)
}

// Inference implements Framework: sliding windows (instance and group norm on
// whole-image statistics when the image is tiled), then the declared output.
func (f FCN) Inference() Inference {
	p := f.Predict.withDefaults()
	inf := Inference{Window: p.Window, MaxVoxels: p.MaxVoxels, Divisors: axisDivisors(f.Net),
		WholeImageStats: true, Overlap: p.Overlap, BatchSize: p.BatchSize, Blend: p.Blend}
	if p.Output != OutputRaw {
		inf.Post = p.apply
	}
	if p.TTA != "" && p.TTA != TTANone {
		inf = p.ttaInference(inf)
	}
	return inf
}

// placeNetProblems places a net's validation errors at <at>.<field> (at is
// model.net, model.generator, ...): ml/nets reports each as a *nets.FieldError
// inside a joined error.
func placeNetProblems(err error, at string) Problems {
	var out Problems
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var fe *nets.FieldError
		if errors.As(e, &fe) {
			out.Add(at+"."+fe.Field, "%s", fe.Msg)
			return
		}
		out.Add(at, "%v", e)
	}
	walk(err)
	return out
}

// Validate implements Framework: every problem of the declaration, each with
// its path.
func (f FCN) Validate() Problems {
	var errs Problems
	if f.Net == nil {
		errs.Add("model.net", "missing")
	} else if v, ok := f.Net.(validator); ok {
		if err := v.Validate(); err != nil {
			errs = append(errs, placeNetProblems(err, "model.net")...)
		}
	}
	if f.Loss == nil {
		errs.Add("model.loss", "missing")
	}
	var names []string
	for _, m := range f.Metrics {
		names = append(names, m.Name)
	}
	errs = append(errs, f.Trainer.Problems(names)...)
	return append(errs, f.predictProblems()...)
}

// predictProblems checks the prediction settings (windows against the net's
// down-sampling factor).
func (f FCN) predictProblems() Problems {
	var errs Problems
	p := f.Predict
	switch p.Output {
	case "", OutputRaw, OutputProb, OutputLabels:
	default:
		errs.Add("model.predict.output", "want raw, prob or labels, got %q", p.Output)
	}
	switch p.ThresholdMethod {
	case "", ThresholdFixed, ThresholdOtsu:
	default:
		errs.Add("model.predict.threshold_method", "want fixed or otsu, got %q", p.ThresholdMethod)
	}
	if p.Overlap < 0 || p.Overlap >= 1 {
		errs.Add("model.predict.overlap", "must be in [0, 1), got %v", p.Overlap)
	}
	if p.BatchSize < 0 {
		errs.Add("model.predict.batch_size", "must not be negative, got %d", p.BatchSize)
	}
	div := 1
	if d, ok := f.Net.(divisor); ok && d.Divisor() > 0 {
		div = d.Divisor()
	}
	for i, w := range p.Window {
		if w <= 0 {
			errs.Add(fmt.Sprintf("model.predict.window[%d]", i), "must be positive, got %d", w)
		} else if w%div != 0 {
			errs.Add(fmt.Sprintf("model.predict.window[%d]", i), "%d is not a multiple of %d, the net's down-sampling factor", w, div)
		}
	}
	if p.MinSize < 0 {
		errs.Add("model.predict.min_size", "must not be negative, got %d", p.MinSize)
	}
	switch p.TTA {
	case "", TTANone, TTAFlips:
	case TTAFlipsRot90:
		if f.Net != nil {
			if d := axisDivisors(f.Net); len(d) >= 2 && d[len(d)-2] != d[len(d)-1] {
				errs.Add("model.predict.tta", "rot90 swaps Y and X, but the net down-samples them by %d and %d", d[len(d)-2], d[len(d)-1])
			}
		}
	default:
		errs.Add("model.predict.tta", "want %s, %s or %s, got %q", TTANone, TTAFlips, TTAFlipsRot90, p.TTA)
	}
	return errs
}

func (p Predict) withDefaults() Predict {
	if p.Output == "" {
		p.Output = OutputRaw
	}
	if p.Overlap == 0 {
		p.Overlap = 0.25
	}
	if p.BatchSize == 0 {
		p.BatchSize = 4
	}
	if p.Threshold == 0 {
		p.Threshold = 0.5
	}
	if p.ThresholdMethod == "" {
		p.ThresholdMethod = ThresholdFixed
	}
	return p
}
