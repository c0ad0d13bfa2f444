package framework

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/instance"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/post"
	"github.com/im2im/im2im/ml/train"
)

// EmbedSeg is instance segmentation by spatial embeddings (Neven et al. 2019;
// mmv_im2im's pl_embedseg; frameworks.md §3): the net predicts, per voxel, an
// offset to its object's centre, a per-axis bandwidth and a seed score
// (2·Dims+1 channels: offsets x, y(, z), sigmas x, y(, z), seed logit), trained
// with the spatial embedding loss (Lovász hinge on each object's soft
// membership, sigma smoothness, seed regression). Prediction stitches the
// raw outputs of sliding windows (offsets are relative to each voxel, so the
// embeddings of the whole image share one coordinate frame) and clusters the
// whole image once on the CPU: no object is cut at a window border.
//
// Targets are [N, 2, spatial...]: channel 0 the instance ids of the crop
// (relabelled 1..K by EmbedSegData), channel 1 the centre image (1 at each
// object's centre). Validation clusters every validation crop and scores it
// against its instances (host metrics: ap50, ap75, map, f1, matched_iou),
// unlike mmv, whose validation never clusters. It implements Framework.
type EmbedSeg struct {
	// Net predicts the 2·Dims+1 channels: nets.BranchedERFNet (with its
	// output init) or a U-Net with that many output channels (HeadInit
	// nets.HeadInitEmbedSeg gives its head the same init; without it the
	// offsets start random and 3D learns far slower).
	Net Net
	// Dims is 2 or 3.
	Dims int
	// Loss configures the spatial embedding loss; its Dims and Step are
	// EmbedSeg's.
	Loss loss.SpatialEmbeddingConfig
	// Step is the embedding units per voxel along z, y, x (coordinate of
	// voxel i = i·Step[a]); zero values: loss.DefaultEmbeddingStep, z the same (an
	// isotropic grid). Training and clustering use the same Step.
	Step [3]float64
	// Cluster configures inference and validation clustering; its Dims and
	// Step are EmbedSeg's.
	Cluster instance.ClusterOptions
	// Metrics names the validation metrics (EmbedSegMetrics); empty: ap50.
	Metrics []string
	Trainer train.Config
	// Predict's Window, MaxVoxels, Overlap, BatchSize and Blend configure the
	// sliding windows; Output is labels (instances, the default) or raw;
	// MinSize removes the instances of fewer voxels after clustering, in
	// prediction and validation (mmv's 3D configs' prune_labels_by_size: the
	// clustering's proposals overwrite each other, so an accepted proposal can
	// end below MinObjectSize).
	Predict Predict
}

// EmbedSegMetrics are the validation metrics EmbedSeg computes by clustering
// each validation crop: ap50 and ap75 are the DSB 2018 / StarDist average
// precision TP/(TP+FP+FN) at IoU 0.5 and 0.75, map its mean over IoU
// 0.5…0.9, f1 the F1 score at IoU 0.5, matched_iou the mean IoU of the
// objects matched at 0.5. All per crop, averaged; higher is better.
var EmbedSegMetrics = []string{"ap50", "ap75", "map", "f1", "matched_iou"}

// Name implements Framework.
func (EmbedSeg) Name() string { return "embedseg" }

// TrainConfig implements Framework.
func (e EmbedSeg) TrainConfig() train.Config { return e.Trainer }

// withDefaults fills Step, the loss's and the clustering's shared settings,
// the metrics and the output.
func (e EmbedSeg) withDefaults() EmbedSeg {
	for a := range e.Step {
		if e.Step[a] == 0 {
			e.Step[a] = loss.DefaultEmbeddingStep
		}
	}
	e.Loss.Dims, e.Loss.Step = e.Dims, e.Step
	e.Cluster.Dims, e.Cluster.Step = e.Dims, e.Step
	e.Cluster = e.Cluster.WithDefaults()
	if len(e.Metrics) == 0 {
		e.Metrics = []string{"ap50"}
	}
	if e.Predict.Output == "" {
		e.Predict.Output = OutputLabels
	}
	return e
}

// Validate implements Framework.
func (e EmbedSeg) Validate() Problems {
	var errs Problems
	if e.Dims != 2 && e.Dims != 3 {
		errs.Add("model.net.dims", "embedseg needs 2 or 3 spatial dimensions, got %d", e.Dims)
		return errs
	}
	e = e.withDefaults()
	if e.Net == nil {
		errs.Add("model.net", "missing")
	} else if v, ok := e.Net.(validator); ok {
		if err := v.Validate(); err != nil {
			errs = append(errs, placeNetProblems(err, "model.net")...)
		}
	}
	for a, s := range e.Step {
		if s < 0 {
			errs.Add(fmt.Sprintf("model.step[%d]", a), "must be positive, got %g", s)
		}
	}
	if err := e.Loss.Validate(); err != nil {
		errs.Add("model.loss", "%v", err)
	}
	if err := e.Cluster.Validate(); err != nil {
		errs.Add("model.cluster", "%v", err)
	}
	if _, err := e.hostMetrics(); err != nil {
		errs.Add("model.metrics", "%v", err)
	}
	switch e.Predict.Output {
	case OutputLabels, OutputRaw:
	default:
		errs.Add("model.predict.output", "embedseg predicts labels (instances) or raw (offsets, sigmas, seed), got %q", e.Predict.Output)
	}
	if e.Predict.TTA != "" && e.Predict.TTA != TTANone {
		errs.Add("model.predict.tta", "embedseg has no test-time augmentation yet (a flip reverses the offsets along its axis), got %q", e.Predict.TTA)
	}
	fcn := FCN{Net: e.Net, Predict: Predict{Window: e.Predict.Window, Overlap: e.Predict.Overlap, BatchSize: e.Predict.BatchSize}}
	errs = append(errs, fcn.predictProblems()...)
	errs = append(errs, e.Trainer.Problems(e.Metrics)...)
	return errs
}

// Task implements Framework: one objective, the spatial embedding loss of the
// net's output against the crop's instances and centres; the validation loss
// is the same loss, the metrics cluster on the host.
func (e EmbedSeg) Task() train.Task {
	e = e.withDefaults()
	model := e.padded
	lossOf := func(pred, y *graph.Node) *graph.Node {
		if y.Shape().Dimensions[1] != 2 {
			panic(fmt.Errorf("embedseg: target %s: want 2 channels (instances, centres)", y.Shape()))
		}
		inst := graph.Slice(y, graph.AxisRange(), graph.AxisRange(0, 1))
		centres := graph.Slice(y, graph.AxisRange(), graph.AxisRange(1, 2))
		return loss.SpatialEmbedding(e.Loss, pred, inst, centres)
	}
	metrics, err := e.hostMetrics()
	if err != nil {
		panic(err) // Validate reports it first
	}
	return train.Task{
		Objectives: []train.Objective{{Loss: func(ctx *context.Context, in train.Inputs) *graph.Node {
			return lossOf(model(ctx, in.X), in.Y)
		}}},
		Predict: model,
		ValLoss: func(pred, y, _ *graph.Node) *graph.Node { return lossOf(pred, y) },
		Metrics: metrics,
	}
}

// padded runs the net on x zero-padded at the end of each spatial axis to a
// multiple of the net's down-sampling factor, and crops its output back:
// inputs of any size are accepted, not refused.
func (e EmbedSeg) padded(ctx *context.Context, x *graph.Node) *graph.Node {
	dims := x.Shape().Dimensions
	div := axisDivisors(e.Net)
	pads := make([]backends.PadAxis, len(dims))
	need := false
	for i := 2; i < len(dims); i++ {
		d := 1
		if k := i - 2 + len(div) - (len(dims) - 2); k >= 0 && k < len(div) {
			d = div[k]
		}
		if r := dims[i] % d; r != 0 {
			pads[i].End, need = d-r, true
		}
	}
	if need {
		x = graph.Pad(x, graph.ScalarZero(x.Graph(), x.DType()), pads...)
	}
	if c, ok := e.Net.(inputChecker); ok {
		if err := c.CheckInput(x.Shape().Dimensions); err != nil {
			panic(err)
		}
	}
	y := e.Net.Build(ctx, x)
	if need {
		ranges := []graph.SliceAxisSpec{graph.AxisRange(), graph.AxisRange()}
		for i := 2; i < len(dims); i++ {
			ranges = append(ranges, graph.AxisRange(0, dims[i]))
		}
		y = graph.Slice(y, ranges...)
	}
	return y
}

// Inference implements Framework: sliding windows over the raw outputs (a U-Net
// head's instance/group norm on whole-image statistics when tiled), then one
// clustering of the whole image (labels output).
func (e EmbedSeg) Inference() Inference {
	e = e.withDefaults()
	p := e.Predict.withDefaults()
	inf := Inference{Window: p.Window, MaxVoxels: p.MaxVoxels, Divisors: axisDivisors(e.Net),
		WholeImageStats: true, Overlap: p.Overlap, BatchSize: p.BatchSize, Blend: p.Blend}
	if p.Output == OutputLabels {
		inf.Post = e.clusterOutput
	}
	return inf
}

// clusterOutput clusters one unit's raw output [2·Dims+1, spatial...] into
// instance labels [1, spatial...] (0 background, 1..n objects).
func (e EmbedSeg) clusterOutput(out []float32, shape []int) ([]float32, []int, error) {
	labels, err := e.clusterLabels(out, shape)
	if err != nil {
		return nil, nil, err
	}
	res := make([]float32, len(labels))
	for i, v := range labels {
		res[i] = float32(v)
	}
	return res, append([]int{1}, shape[1:]...), nil
}

func (e EmbedSeg) clusterLabels(out []float32, shape []int) ([]int32, error) {
	sp, err := zyx(shape[1:], e.Dims)
	if err != nil {
		return nil, err
	}
	if want := 2*e.Dims + 1; shape[0] != want {
		return nil, fmt.Errorf("embedseg: cluster: the net output has %d channels, want %d (offsets, sigmas, seed)", shape[0], want)
	}
	labels, n, err := instance.Cluster(out, sp, e.Cluster)
	if err != nil || e.Predict.MinSize <= 0 {
		return labels, err
	}
	labels, _, err = post.RemoveSmallLabels(labels, n, e.Predict.MinSize)
	return labels, err
}

// zyx is a spatial shape of dims axes as [Z, Y, X] (Z = 1 in 2D).
func zyx(spatial []int, dims int) ([3]int, error) {
	if len(spatial) != dims {
		return [3]int{}, fmt.Errorf("embedseg: spatial shape %v: want %d axes", spatial, dims)
	}
	if dims == 2 {
		return [3]int{1, spatial[0], spatial[1]}, nil
	}
	return [3]int{spatial[0], spatial[1], spatial[2]}, nil
}
