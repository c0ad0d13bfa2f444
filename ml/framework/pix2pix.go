package framework

import (
	"fmt"
	"slices"
	"sync"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// Variable scopes of the GAN frameworks' nets (checkpoints hold both).
const (
	GeneratorScope     = "/generator"
	DiscriminatorScope = "/discriminator"
)

// GANLoss weighs a pix2pix generator's terms (mmv_im2im's pix2pix_basic,
// pix2pix_HD and pix2pix_HD_original are settings of it): the GAN term on the
// discriminator's logits, the reconstruction of the target, and feature matching
// over the discriminator's intermediate layers. Every term is averaged over the
// whole batch and over the discriminator's scales.
type GANLoss struct {
	// Criterion is loss.GANVanilla or loss.GANLSGAN.
	Criterion string
	// Reconstruction compares the generated image with the target (nil: none).
	Reconstruction Loss
	// Weights of the terms (0 leaves a term out; GAN must be > 0).
	WeightGAN, WeightRec, WeightFM float64
}

// Pix2Pix is paired image translation with a conditional GAN (Isola et al.;
// mmv_im2im's pl_pix2pix): a generator G (any Net: ml/nets' U-Nets or
// ResNetGenerator) maps the input A to the target's domain, and a PatchGAN D
// judges (A, B) pairs concatenated on channels. Every step first updates G
// against D (mmv_im2im's order), then D on the real pair and the detached fake
// (½·(GAN(D(A,B), real) + GAN(D(A,G(A)), fake))). G(A) is computed once per step,
// before G's update, and D learns from that fake: mmv recomputes it with the
// updated G, which costs a second generator pass, and the reference
// implementation uses the pre-update fake too (it updates D first). It
// implements Framework.
type Pix2Pix struct {
	Generator     Net
	Discriminator nets.PatchGAN
	Loss          GANLoss
	// Metrics are computed on G's output against the target on validation data;
	// the validation loss is Loss.Reconstruction (L1 when nil).
	Metrics []train.Metric
	// Trainer configures the loop; its Optimizer and Schedule drive the generator.
	Trainer train.Config
	// DOptimizer and DSchedule drive the discriminator.
	DOptimizer train.Optimizer
	DSchedule  train.Schedule
	// Init is the convolutions' initialisation, nn.InitNormal (the papers') or
	// nn.InitKaiming ("": normal).
	Init string
	// Predict configures whole-image prediction (G's output: raw, or prob/labels
	// for a generator that outputs masks).
	Predict Predict
}

// Name implements Framework.
func (Pix2Pix) Name() string { return "pix2pix" }

// TrainConfig implements Framework. Trainer.InitFrom initialises the generator
// only, strictly, from a pix2pix checkpoint or from one of the net alone (an FCN
// run with the same net): every generator weight must be there with its shape.
func (p Pix2Pix) TrainConfig() train.Config {
	c := p.Trainer
	if c.InitFrom != "" {
		c.InitInto = GeneratorScope
	}
	return c
}

// Inference implements Framework: sliding windows over G, then the declared output.
func (p Pix2Pix) Inference() Inference {
	return FCN{Net: p.Generator, Predict: p.Predict}.Inference()
}

// Validate implements Framework.
func (p Pix2Pix) Validate() Problems {
	errs := ganParts{generator: p.Generator, discriminator: p.Discriminator, init: p.Init, metrics: p.Metrics,
		trainer: p.Trainer, dOptimizer: p.DOptimizer, dSchedule: p.DSchedule, predict: p.Predict}.problems()
	return append(errs, p.Loss.problems()...)
}

func (l GANLoss) problems() Problems {
	var errs Problems
	if !slices.Contains(loss.GANCriteria, l.Criterion) {
		errs.Add("model.loss.gan", "want one of %v, got %q", loss.GANCriteria, l.Criterion)
	}
	if l.WeightGAN <= 0 {
		errs.Add("model.loss.weights.gan", "must be > 0 (a GAN without its adversarial term is an FCN), got %g", l.WeightGAN)
	}
	if l.WeightRec < 0 || l.WeightFM < 0 {
		errs.Add("model.loss.weights", "must not be negative, got reconstruction %g, feature matching %g", l.WeightRec, l.WeightFM)
	}
	if l.WeightRec > 0 && l.Reconstruction == nil {
		errs.Add("model.loss.reconstruction", "missing, but its weight is %g", l.WeightRec)
	}
	return errs
}

// generator builds G below GeneratorScope, checking the input first.
func (p Pix2Pix) generator(ctx *context.Context, x *graph.Node) *graph.Node {
	return buildNet(p.Generator, ganScope(ctx, GeneratorScope, p.Init), x)
}

// buildNet checks the input against the net (when it can) and builds it.
func buildNet(net Net, ctx *context.Context, x *graph.Node) *graph.Node {
	if c, ok := net.(inputChecker); ok {
		if err := c.CheckInput(x.Shape().Dimensions); err != nil {
			panic(err)
		}
	}
	return net.Build(ctx, x)
}

// judge runs D on the pair (a, b) concatenated on channels: per scale, every
// layer's features (the last are the logits).
func (p Pix2Pix) judge(ctx *context.Context, a, b *graph.Node) [][]*graph.Node {
	if !sameSpatial(a, b) {
		panic(fmt.Errorf("pix2pix: input %v and target %v must have the same batch and spatial size", a.Shape().Dimensions, b.Shape().Dimensions))
	}
	return p.Discriminator.Features(ganScope(ctx, DiscriminatorScope, p.Init), graph.Concatenate([]*graph.Node{a, b}, 1))
}

func sameSpatial(a, b *graph.Node) bool {
	da, db := a.Shape().Dimensions, b.Shape().Dimensions
	return len(da) == len(db) && da[0] == db[0] && slices.Equal(da[2:], db[2:])
}

// ganTerm averages the criterion over the scales' logits.
func ganTerm(criterion string, feats [][]*graph.Node, real bool) *graph.Node {
	var sum *graph.Node
	for _, f := range feats {
		l := loss.GAN(criterion, f[len(f)-1], real)
		if sum == nil {
			sum = l
		} else {
			sum = graph.Add(sum, l)
		}
	}
	return graph.DivScalar(sum, float64(len(feats)))
}

// fakes hands G(A), computed once per training graph by the generator's
// objective, to the discriminator's. Besides saving a generator pass, this
// avoids a GoMLX v0.26 limitation: graph.Gradient marks nodes as needed through
// StopGradient, so a discriminator loss on the updated generator's output (whose
// update holds convolution gradients) would ask for second derivatives GoMLX
// does not define ("gradient of Convolve with input dilation").
type fakes struct {
	mu sync.Mutex
	m  map[*graph.Graph]*graph.Node
}

func (f *fakes) of(g *graph.Graph, make func() *graph.Node) *graph.Node {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[*graph.Graph]*graph.Node{}
	}
	if n, ok := f.m[g]; ok {
		return n
	}
	n := make()
	f.m[g] = n
	return n
}

// Task implements Framework: objective "generator", then "discriminator".
func (p Pix2Pix) Task() train.Task {
	l := p.Loss
	cache := &fakes{}
	fakeOf := func(ctx *context.Context, x *graph.Node) *graph.Node {
		return cache.of(x.Graph(), func() *graph.Node { return p.generator(ctx, x) })
	}
	dLoss := func(ctx *context.Context, in train.Inputs) *graph.Node {
		fake := graph.StopGradient(fakeOf(ctx, in.X))
		real := ganTerm(l.Criterion, p.judge(ctx, in.X, in.Y), true)
		fk := ganTerm(l.Criterion, p.judge(ctx, in.X, fake), false)
		return graph.MulScalar(graph.Add(real, fk), 0.5)
	}
	gLoss := func(ctx *context.Context, in train.Inputs) *graph.Node {
		fake := fakeOf(ctx, in.X)
		fakeFeats := p.judge(ctx, in.X, fake)
		total := graph.MulScalar(ganTerm(l.Criterion, fakeFeats, true), l.WeightGAN)
		if l.WeightFM > 0 {
			realFeats := p.judge(ctx, in.X, in.Y)
			var fm *graph.Node
			for s := range fakeFeats {
				t := loss.FeatureMatching(fakeFeats[s], realFeats[s])
				if fm == nil {
					fm = t
				} else {
					fm = graph.Add(fm, t)
				}
			}
			total = graph.Add(total, graph.MulScalar(fm, l.WeightFM/float64(len(fakeFeats))))
		}
		if l.WeightRec > 0 {
			total = graph.Add(total, graph.MulScalar(l.Reconstruction.Loss(fake, in.Y), l.WeightRec))
		}
		return total
	}
	rec := l.Reconstruction
	if rec == nil {
		rec = loss.L1{}
	}
	dOpt, dSched := p.DOptimizer, p.DSchedule
	gOpt, gSched := p.Trainer.Optimizer, p.Trainer.Schedule
	return train.Task{
		Objectives: []train.Objective{
			{Name: "generator", Scopes: []string{GeneratorScope}, Optimizer: &gOpt, Schedule: &gSched, Loss: gLoss},
			{Name: "discriminator", Scopes: []string{DiscriminatorScope}, Optimizer: &dOpt, Schedule: &dSched, Loss: dLoss},
		},
		Predict: p.generator,
		ValLoss: func(pred, y, _ *graph.Node) *graph.Node { return rec.Loss(pred, y) },
		Metrics: p.Metrics,
	}
}
