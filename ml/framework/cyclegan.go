package framework

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// Variable scopes of CycleGAN's four nets and its two replay pools.
const (
	GeneratorABScope       = "/generator_ab"
	GeneratorBAScope       = "/generator_ba"
	DiscriminatorAScope    = "/discriminator_a"
	DiscriminatorBScope    = "/discriminator_b"
	poolAScope, poolBScope = "/pool_a", "/pool_b"
)

// Prediction directions of CycleGAN.
const (
	AtoB = "AtoB"
	BtoA = "BtoA"
)

// CycleGAN is unpaired image translation (Zhu et al. 2017; mmv_im2im's
// pl_cyclegan): G_AB maps domain A (the input X) to B (the target Y), G_BA maps
// back, and unconditional PatchGANs D_A and D_B judge each domain. X and Y of a
// batch need not correspond. The generators' objective, per direction, is the
// GAN term, the cycle consistency L1 (G_BA(G_AB(a)) ≈ a) and the identity L1 in
// the paper's form (G_AB(b) ≈ b, G_BA(a) ≈ a; mmv applies G_BA to both, which
// fights G_BA's own task). Every step updates both generators (one optimizer),
// then both discriminators (one optimizer) on replay pools of past fakes. It
// implements Framework.
type CycleGAN struct {
	// Generator is built twice (G_AB, G_BA; same architecture, own weights): its
	// output channels must be both domains' channel count.
	Generator Net
	// Discriminator is built twice (D_A, D_B), each on one domain's images.
	Discriminator nets.PatchGAN
	// Criterion is loss.GANLSGAN (the paper's) or loss.GANVanilla.
	Criterion string
	// Weights per direction: the GAN term (paper 1), cycle consistency (10) and
	// identity (5; 0 leaves it out).
	WeightGAN, WeightCycle, WeightIdentity float64
	// PoolSize is the replay pool's capacity per domain (paper 50; 0: none).
	PoolSize int
	// Metrics compare G_AB(A) with B on validation data (meaningful when the
	// validation pairs correspond, e.g. images and their true masks); the
	// validation loss is the cycle consistency L1 of both directions.
	Metrics []train.Metric
	// Trainer configures the loop; its Optimizer and Schedule drive the generators.
	Trainer train.Config
	// DOptimizer and DSchedule drive the discriminators.
	DOptimizer train.Optimizer
	DSchedule  train.Schedule
	// Init is the convolutions' initialisation, nn.InitNormal (the paper's) or
	// nn.InitKaiming ("": normal).
	Init string
	// Direction of whole-image prediction: AtoB ("" too) runs G_AB, BtoA G_BA.
	Direction string
	// Predict configures whole-image prediction (raw, or prob/labels for a
	// generator translating into masks).
	Predict Predict
}

// Name implements Framework.
func (CycleGAN) Name() string { return "cyclegan" }

// TrainConfig implements Framework.
func (c CycleGAN) TrainConfig() train.Config { return c.Trainer }

// Inference implements Framework.
func (c CycleGAN) Inference() Inference {
	return FCN{Net: c.Generator, Predict: c.Predict}.Inference()
}

// Validate implements Framework.
func (c CycleGAN) Validate() Problems {
	errs := ganParts{generator: c.Generator, discriminator: c.Discriminator, init: c.Init, metrics: c.Metrics,
		trainer: c.Trainer, dOptimizer: c.DOptimizer, dSchedule: c.DSchedule, predict: c.Predict}.problems()
	if !slices.Contains(loss.GANCriteria, c.Criterion) {
		errs.Add("model.loss.gan", "want one of %v, got %q", loss.GANCriteria, c.Criterion)
	}
	if c.WeightGAN <= 0 {
		errs.Add("model.loss.weights.gan", "must be > 0, got %g", c.WeightGAN)
	}
	if c.WeightCycle < 0 || c.WeightIdentity < 0 {
		errs.Add("model.loss.weights", "must not be negative, got cycle %g, identity %g", c.WeightCycle, c.WeightIdentity)
	}
	if c.PoolSize < 0 {
		errs.Add("model.pool_size", "must not be negative, got %d", c.PoolSize)
	}
	switch c.Direction {
	case "", AtoB, BtoA:
	default:
		errs.Add("model.direction", "want %s or %s, got %q", AtoB, BtoA, c.Direction)
	}
	return errs
}

func (c CycleGAN) gen(ctx *context.Context, scope string, x *graph.Node) *graph.Node {
	return buildNet(c.Generator, ganScope(ctx, scope, c.Init), x)
}

func (c CycleGAN) logits(ctx *context.Context, scope string, x *graph.Node) [][]*graph.Node {
	return c.Discriminator.Features(ganScope(ctx, scope, c.Init), x)
}

// checkDomains panics with a clear message unless A and B batches agree in
// batch size, channels and spatial size (one generator architecture serves both
// directions, and the identity terms apply each generator to the other domain).
func checkDomains(a, b *graph.Node) {
	da, db := a.Shape().Dimensions, b.Shape().Dimensions
	if !slices.Equal(da, db) {
		panic(fmt.Errorf("cyclegan: domain A patches %v and domain B patches %v must have the same batch size, channels and spatial size", da, db))
	}
}

func l1(a, b *graph.Node) *graph.Node { return loss.L1{}.Loss(a, b) }

// Task implements Framework: objective "generator" (both generators), then
// "discriminator" (both discriminators).
func (c CycleGAN) Task() train.Task {
	// G_AB(A) and G_BA(B), computed once per training graph by the generators'
	// objective and reused, detached, by the discriminators' (see fakes).
	fakeAB, fakeBA := &fakes{}, &fakes{}
	gLoss := func(ctx *context.Context, in train.Inputs) *graph.Node {
		checkDomains(in.X, in.Y)
		a, b := in.X, in.Y
		fb := fakeAB.of(a.Graph(), func() *graph.Node { return c.gen(ctx, GeneratorABScope, a) })
		fa := fakeBA.of(a.Graph(), func() *graph.Node { return c.gen(ctx, GeneratorBAScope, b) })
		gan := graph.Add(ganTerm(c.Criterion, c.logits(ctx, DiscriminatorBScope, fb), true),
			ganTerm(c.Criterion, c.logits(ctx, DiscriminatorAScope, fa), true))
		total := graph.MulScalar(gan, c.WeightGAN)
		if c.WeightCycle > 0 {
			cyc := graph.Add(l1(c.gen(ctx, GeneratorBAScope, fb), a), l1(c.gen(ctx, GeneratorABScope, fa), b))
			total = graph.Add(total, graph.MulScalar(cyc, c.WeightCycle))
		}
		if c.WeightIdentity > 0 {
			idt := graph.Add(l1(c.gen(ctx, GeneratorABScope, b), b), l1(c.gen(ctx, GeneratorBAScope, a), a))
			total = graph.Add(total, graph.MulScalar(idt, c.WeightIdentity))
		}
		return total
	}
	poolA, poolB := replayPool{scope: poolAScope, size: c.PoolSize}, replayPool{scope: poolBScope, size: c.PoolSize}
	dLoss := func(ctx *context.Context, in train.Inputs) *graph.Node {
		a, b := in.X, in.Y
		fb := fakeAB.of(a.Graph(), func() *graph.Node { return c.gen(ctx, GeneratorABScope, a) })
		fa := fakeBA.of(a.Graph(), func() *graph.Node { return c.gen(ctx, GeneratorBAScope, b) })
		pa := poolA.pushPop(ctx, graph.StopGradient(fa))
		pb := poolB.pushPop(ctx, graph.StopGradient(fb))
		da := graph.Add(ganTerm(c.Criterion, c.logits(ctx, DiscriminatorAScope, a), true), ganTerm(c.Criterion, c.logits(ctx, DiscriminatorAScope, pa), false))
		db := graph.Add(ganTerm(c.Criterion, c.logits(ctx, DiscriminatorBScope, b), true), ganTerm(c.Criterion, c.logits(ctx, DiscriminatorBScope, pb), false))
		return graph.MulScalar(graph.Add(da, db), 0.5)
	}
	predictAB := func(ctx *context.Context, x *graph.Node) *graph.Node { return c.gen(ctx, GeneratorABScope, x) }
	var infer train.ModelFn
	if c.Direction == BtoA {
		infer = func(ctx *context.Context, x *graph.Node) *graph.Node { return c.gen(ctx, GeneratorBAScope, x) }
	}
	dOpt, dSched := c.DOptimizer, c.DSchedule
	gOpt, gSched := c.Trainer.Optimizer, c.Trainer.Schedule
	return train.Task{
		Objectives: []train.Objective{
			{Name: "generator", Scopes: []string{GeneratorABScope, GeneratorBAScope}, Optimizer: &gOpt, Schedule: &gSched, Loss: gLoss},
			{Name: "discriminator", Scopes: []string{DiscriminatorAScope, DiscriminatorBScope}, Optimizer: &dOpt, Schedule: &dSched, Loss: dLoss},
		},
		Predict: predictAB,
		Infer:   infer,
		// The cycle consistency of both directions: meaningful on unpaired
		// validation data.
		ValLossOf: func(ctx *context.Context, in train.Inputs, fb *graph.Node) *graph.Node {
			checkDomains(in.X, in.Y)
			fa := c.gen(ctx, GeneratorBAScope, in.Y)
			return graph.MulScalar(graph.Add(l1(c.gen(ctx, GeneratorBAScope, fb), in.X), l1(c.gen(ctx, GeneratorABScope, fa), in.Y)), 0.5)
		},
		Metrics: c.Metrics,
	}
}
