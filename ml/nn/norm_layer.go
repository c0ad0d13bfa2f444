package nn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

// Norm kinds accepted by Norm (and by every block's Norm field).
const (
	NormInstance = "instance"
	NormBatch    = "batch"
	NormGroup    = "group"
	NormNone     = "none"
)

// NormEpsilon is the epsilon of every normalization layer (PyTorch's default).
const NormEpsilon = 1e-5

// BatchNormMomentum is the weight of the current batch in the running averages
// (PyTorch's convention): running = (1-m)·running + m·batch.
const BatchNormMomentum = 0.1

// NormKinds lists the accepted Norm kinds, for validation messages.
var NormKinds = []string{NormInstance, NormBatch, NormGroup, NormNone}

// DefaultGroups returns the group count GroupNorm uses for c channels: the largest of
// 8, 4, 2, 1 that divides c.
func DefaultGroups(c int) int {
	for _, g := range []int{8, 4, 2} {
		if c%g == 0 {
			return g
		}
	}
	return 1
}

// Norm applies the normalization kind ("" means instance) with learned "gamma" (ones)
// and "beta" (zeros) per channel in ctx's scope. Batch norm keeps non-trainable
// "running_mean" and "running_var" there: training graphs (ctx.IsTraining) normalize
// with the batch statistics and update the running averages (unbiased variance);
// inference graphs use the running averages. In an inference graph with
// NormStats attached (UseNormStats), instance and group norm follow them.
func Norm(ctx *context.Context, x *graph.Node, kind string) *graph.Node {
	if kind == NormNone {
		return x
	}
	c := x.Shape().Dimensions[1]
	g := x.Graph()
	gamma := ctx.WithInitializer(initializers.One).VariableWithShape("gamma", shapeOf(x, c)).ValueGraph(g)
	beta := ctx.WithInitializer(initializers.Zero).VariableWithShape("beta", shapeOf(x, c)).ValueGraph(g)
	s := normStatsOf(ctx, x)
	if s != nil && ctx.IsTraining(g) {
		s = nil
	}
	switch kind {
	case "", NormInstance:
		if s != nil {
			return s.norm(x, c, gamma, beta, NormEpsilon)
		}
		return InstanceNorm(x, gamma, beta, NormEpsilon)
	case NormGroup:
		if s != nil {
			return s.norm(x, DefaultGroups(c), gamma, beta, NormEpsilon)
		}
		return GroupNorm(x, DefaultGroups(c), gamma, beta, NormEpsilon)
	case NormBatch:
		return batchNorm(ctx, x, gamma, beta, NormEpsilon)
	}
	panicf("unknown norm %q (want one of %v)", kind, NormKinds)
	return nil
}

// BatchNorm is Norm's batch normalization with epsilon eps instead of NormEpsilon
// (ERFNet's layers use 1e-3): the same variables, running statistics and
// training/inference behaviour.
func BatchNorm(ctx *context.Context, x *graph.Node, eps float64) *graph.Node {
	c := x.Shape().Dimensions[1]
	g := x.Graph()
	gamma := ctx.WithInitializer(initializers.One).VariableWithShape("gamma", shapeOf(x, c)).ValueGraph(g)
	beta := ctx.WithInitializer(initializers.Zero).VariableWithShape("beta", shapeOf(x, c)).ValueGraph(g)
	return batchNorm(ctx, x, gamma, beta, eps)
}

// batchNorm normalizes with the batch statistics while training (updating the
// non-trainable "running_mean" and "running_var" in ctx's scope by
// BatchNormMomentum, unbiased variance) and with the running statistics otherwise.
func batchNorm(ctx *context.Context, x, gamma, beta *graph.Node, eps float64) *graph.Node {
	c := x.Shape().Dimensions[1]
	g := x.Graph()
	meanVar := ctx.WithInitializer(initializers.Zero).VariableWithShape("running_mean", shapeOf(x, c)).SetTrainable(false)
	varVar := ctx.WithInitializer(initializers.One).VariableWithShape("running_var", shapeOf(x, c)).SetTrainable(false)
	if !ctx.IsTraining(g) {
		return BatchNormInfer(x, gamma, beta, meanVar.ValueGraph(g), varVar.ValueGraph(g), eps)
	}
	y, mean, variance := BatchNormTrain(x, gamma, beta, eps)
	n := float64(x.Shape().Size() / c)
	unbiased := variance
	if n > 1 {
		unbiased = graph.MulScalar(variance, n/(n-1))
	}
	m := BatchNormMomentum
	meanVar.SetValueGraph(graph.Add(graph.MulScalar(meanVar.ValueGraph(g), 1-m), graph.MulScalar(graph.StopGradient(mean), m)))
	varVar.SetValueGraph(graph.Add(graph.MulScalar(varVar.ValueGraph(g), 1-m), graph.MulScalar(graph.StopGradient(unbiased), m)))
	return y
}
