package framework

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"

	"github.com/im2im/im2im/ml/infer"
)

// ProbUnet defaults (frameworks.md §4; zero values select them).
const (
	// DefaultLatentDim is the size of ProbUnet's latent space.
	DefaultLatentDim = 6
	// DefaultSamples is how many prior samples ProbUnet's inference averages.
	DefaultSamples = 8
	// DefaultKLClamp bounds both log-variances before the KL term (mmv's kl_clamp).
	DefaultKLClamp = 20
)

// Variable scopes of ProbUnet's parts (checkpoints hold all four).
const (
	ProbUnetScope  = "/unet"
	PriorScope     = "/prior"
	PosteriorScope = "/posterior"
	CombinerScope  = "/combiner"
)

// ProbUnet is the probabilistic U-Net (Kohl et al. 2018; mmv_im2im's
// pl_ProbUnet): a U-Net's top decoder features, a prior net p(z|x) and a
// posterior net q(z|x,y) (each the U-Net's encoder with its own weights,
// global average pooling and a 1×1 convolution to the mean and log-variance
// of an axis-aligned Gaussian), and a combiner that maps [features, z
// broadcast over space] to the output through 1×1 convolutions with ReLU
// between them. Unlike mmv's purely affine combiner (its [QUIRK]), a latent
// sample here changes each voxel differently, so samples carry uncertainty.
//
// Training minimises Loss(combiner(features, z ~ q)) + Beta·KL(q‖p), with z
// drawn by the context's random generator. Prediction and validation metrics
// use z = the prior mean; whole-image inference runs the U-Net and the prior
// once and the combiner Samples times, with fixed noise per sample (so every
// window of an image uses the same Samples latent offsets and predictions are
// reproducible), then averages the samples and can write an uncertainty map
// (Inference.Uncertainty). It implements Framework.
type ProbUnet struct {
	// Net is the backbone; its encoder settings also build the prior and
	// posterior nets. OutChannels is the classes (segmentation) or the
	// target's channels (regression).
	Net nets.UNet
	// Loss is the reconstruction term (CE or DiceCE for segmentation, MSE or
	// L1 for regression).
	Loss Loss
	// Segmentation says targets are class labels: the posterior sees them one-hot
	// and the samples are averaged as probabilities. Otherwise (regression) the
	// posterior sees the target as is and samples are averaged as values.
	Segmentation bool
	// LatentDim is z's size [DefaultLatentDim]; Beta weighs the KL term [1];
	// KLClamp bounds the log-variances in it [DefaultKLClamp].
	LatentDim int
	Beta      float64
	KLClamp   float64
	// Samples is the number of prior samples inference averages [DefaultSamples].
	Samples int
	Metrics []train.Metric
	Trainer train.Config
	Predict Predict
}

// Name implements Framework.
func (ProbUnet) Name() string { return "probunet" }

// TrainConfig implements Framework.
func (p ProbUnet) TrainConfig() train.Config { return p.Trainer }

func (p ProbUnet) withDefaults() ProbUnet {
	if p.LatentDim == 0 {
		p.LatentDim = DefaultLatentDim
	}
	if p.Beta == 0 {
		p.Beta = 1
	}
	if p.KLClamp == 0 {
		p.KLClamp = DefaultKLClamp
	}
	if p.Samples == 0 {
		p.Samples = DefaultSamples
	}
	return p
}

// Validate implements Framework.
func (p ProbUnet) Validate() Problems {
	var errs Problems
	if err := p.Net.Validate(); err != nil {
		errs = append(errs, placeNetProblems(err, "model.net")...)
	}
	if p.Loss == nil {
		errs.Add("model.loss", "missing")
	}
	if p.LatentDim < 0 {
		errs.Add("model.latent_dim", "must be ≥ 1 (0: %d), got %d", DefaultLatentDim, p.LatentDim)
	}
	if p.Beta < 0 {
		errs.Add("model.beta", "must not be negative, got %g", p.Beta)
	}
	if p.KLClamp < 0 {
		errs.Add("model.kl_clamp", "must not be negative, got %g", p.KLClamp)
	}
	if p.Samples < 0 {
		errs.Add("model.samples", "must be ≥ 1 (0: %d), got %d", DefaultSamples, p.Samples)
	}
	var names []string
	for _, m := range p.Metrics {
		names = append(names, m.Name)
	}
	errs = append(errs, p.Trainer.Problems(names)...)
	return append(errs, FCN{Net: p.Net, Predict: p.Predict}.predictProblems()...)
}

// Task implements Framework: one objective, reconstruction + β·KL with z from
// the posterior; Predict is the prior mean's output; Infer stacks Samples
// prior samples on channels ([N, Samples·C, spatial...]).
func (p ProbUnet) Task() train.Task {
	p = p.withDefaults()
	var wl train.WeightedLossFn
	if w, ok := p.Loss.(weightedLoss); ok {
		wl = w.WeightedLoss
	}
	rec := func(pred, y, w *graph.Node) *graph.Node {
		if w != nil && wl != nil {
			return wl(pred, y, w)
		}
		return p.Loss.Loss(pred, y)
	}
	objective := func(ctx *context.Context, in train.Inputs) *graph.Node {
		feats := p.features(ctx, in.X)
		prior := p.latent(ctx, PriorScope, in.X)
		post := p.latent(ctx, PosteriorScope, p.posteriorInput(in.X, in.Y))
		eps := ctx.RandomNormal(in.X.Graph(), post.mu.Shape())
		z := graph.Add(post.mu, graph.Mul(eps, graph.Exp(graph.MulScalar(post.logVar, 0.5))))
		out := p.combine(ctx, feats, z)
		return graph.Add(meanLoss(rec(out, in.Y, in.W)), graph.MulScalar(p.kl(post, prior), p.Beta))
	}
	predict := func(ctx *context.Context, x *graph.Node) *graph.Node {
		return p.combine(ctx, p.features(ctx, x), p.latent(ctx, PriorScope, x).mu)
	}
	valLoss := func(ctx *context.Context, in train.Inputs, pred *graph.Node) *graph.Node {
		prior := p.latent(ctx, PriorScope, in.X)
		post := p.latent(ctx, PosteriorScope, p.posteriorInput(in.X, in.Y))
		return graph.Add(meanLoss(rec(pred, in.Y, in.W)), graph.MulScalar(p.kl(post, prior), p.Beta))
	}
	return train.Task{
		Objectives: []train.Objective{{Loss: objective}},
		Predict:    predict,
		ValLossOf:  valLoss,
		Infer:      p.samples,
		Metrics:    p.Metrics,
		Weighted:   wl != nil,
	}
}

// meanLoss averages a non-scalar loss.
func meanLoss(l *graph.Node) *graph.Node {
	if l.Rank() == 0 {
		return l
	}
	return graph.ReduceAllMean(l)
}

// Inference implements Framework: sliding windows over the stacked samples;
// Post averages them (then the declared output), Uncertainty maps their spread.
func (p ProbUnet) Inference() Inference {
	p = p.withDefaults()
	inf := FCN{Net: p.Net, Predict: p.Predict}.Inference()
	pr := p.Predict.withDefaults()
	// With test-time augmentation every transform's window carries the prior
	// samples: T·S samples of C channels (transform-major), whose mean and
	// entropy/mutual information (or std) cover both sources of doubt.
	mode := pr.TTA
	tta := mode != "" && mode != TTANone
	stats := func(shape []int) sampleStats {
		n := p.Samples
		if tta {
			n *= len(ttaOps(mode, len(shape)-1))
		}
		return sampleStats{samples: n, segmentation: p.Segmentation}
	}
	inf.Post = func(out []float32, shape []int) ([]float32, []int, error) {
		mean, ms, err := stats(shape).mean(out, shape)
		if err != nil || pr.Output == OutputRaw {
			return mean, ms, err
		}
		return pr.apply(mean, ms)
	}
	inf.Uncertainty = func(out []float32, shape []int) ([]float32, []int, error) {
		return stats(shape).uncertainty(out, shape)
	}
	inf.Wrap = nil
	if tta {
		inf.Wrap = func(pred infer.Predictor) infer.Predictor { return ttaPredictor(pred, mode) }
	}
	return inf
}
