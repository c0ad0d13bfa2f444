package nn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
)

// Activation names accepted by Act and Activate.
const (
	ActReLU      = "relu"
	ActLeakyReLU = "leakyrelu" // negative slope 0.01
	ActPReLU     = "prelu"     // one learned slope, starting at 0.25 (MONAI's default)
	ActELU       = "elu"
	ActSigmoid   = "sigmoid"
	ActTanh      = "tanh"
	ActNone      = "none"
)

// ActNames lists the accepted activation names, for validation messages.
var ActNames = []string{ActReLU, ActLeakyReLU, ActPReLU, ActELU, ActSigmoid, ActTanh, ActNone}

// Activate applies a parameter-free activation by name ("" means relu; prelu needs
// Act, which owns its slope).
func Activate(x *graph.Node, name string) *graph.Node {
	switch name {
	case "", ActReLU:
		return graph.Max(x, graph.ZerosLike(x))
	case ActLeakyReLU:
		return leaky(x, graph.Scalar(x.Graph(), x.DType(), 0.01))
	case ActELU:
		return graph.Where(graph.GreaterThan(x, graph.ZerosLike(x)), x, graph.AddScalar(graph.Exp(graph.Min(x, graph.ZerosLike(x))), -1))
	case ActSigmoid:
		return graph.Sigmoid(x)
	case ActTanh:
		return graph.Tanh(x)
	case ActNone:
		return x
	}
	panicf("unknown activation %q (want one of %v)", name, ActNames)
	return nil
}

// LeakyReLU returns x where x > 0, slope·x elsewhere (the GAN discriminators'
// activation, slope 0.2).
func LeakyReLU(x *graph.Node, slope float64) *graph.Node {
	return leaky(x, graph.Scalar(x.Graph(), x.DType(), slope))
}

// leaky returns x where x > 0, slope·x elsewhere (slope a scalar node).
func leaky(x, slope *graph.Node) *graph.Node {
	return graph.Where(graph.GreaterThan(x, graph.ZerosLike(x)), x, graph.Mul(x, slope))
}

// Act applies the activation by name; prelu learns one "slope" variable in ctx's scope.
func Act(ctx *context.Context, x *graph.Node, name string) *graph.Node {
	if name != ActPReLU {
		return Activate(x, name)
	}
	init := func(g *graph.Graph, s shapes.Shape) *graph.Node { return graph.Scalar(g, s.DType, 0.25) }
	slope := ctx.WithInitializer(init).VariableWithShape("slope", shapeOf(x)).ValueGraph(x.Graph())
	return leaky(x, slope)
}

// Dropout zeroes each value with probability rate while training (scaling the rest by
// 1/(1-rate)); a no-op for rate ≤ 0 or outside training.
func Dropout(ctx *context.Context, x *graph.Node, rate float64) *graph.Node {
	return layers.DropoutStatic(ctx, x, rate)
}

// ChannelDropout zeroes whole channels of x [B, C, S...] (one draw per sample and
// channel) with probability rate while training, scaling the rest by 1/(1−rate)
// (PyTorch's Dropout2d/3d); a no-op for rate ≤ 0 or outside training.
func ChannelDropout(ctx *context.Context, x *graph.Node, rate float64) *graph.Node {
	g := x.Graph()
	if rate <= 0 || !ctx.IsTraining(g) {
		return x
	}
	dims := x.Shape().Dimensions
	drawDims := make([]int, len(dims))
	for i := range drawDims {
		drawDims[i] = 1
	}
	drawDims[0], drawDims[1] = dims[0], dims[1]
	draw := ctx.RandomUniform(g, shapeOf(x, drawDims...))
	scale := graph.Where(graph.GreaterThan(draw, graph.Scalar(g, x.DType(), rate)),
		graph.Scalar(g, x.DType(), 1/(1-rate)), graph.Scalar(g, x.DType(), 0))
	return graph.Mul(x, scale)
}
