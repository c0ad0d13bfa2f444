package nn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// spatialAxes returns 2..rank-1.
func spatialAxes(x *graph.Node) []int {
	axes := make([]int, 0, x.Rank()-2)
	for i := 2; i < x.Rank(); i++ {
		axes = append(axes, i)
	}
	return axes
}

// normalize returns (x-mean)/sqrt(var+eps) with mean and (biased) variance over axes,
// kept as broadcastable dims. The gradient is the true one (through the statistics),
// given in closed form instead of by differentiating each op: with v the gradient
// for fixed statistics and x̂ the output, ∂L/∂x = v − mean(v) − x̂·mean(v·x̂) over the
// axes. Autodiff through the ops builds about twice as many full-size passes (Div,
// Sqrt, Square and the two means each add their own).
func normalize(x *graph.Node, axes []int, eps float64) (y, mean, variance *graph.Node) {
	// The statistics are constants to autodiff (the closed form accounts for them);
	// GoMLX v0.26 also has no gradient for Rsqrt.
	mean = graph.StopGradient(graph.ReduceAndKeep(x, graph.ReduceMean, axes...))
	variance = graph.StopGradient(graph.ReduceAndKeep(graph.Square(graph.Sub(x, mean)), graph.ReduceMean, axes...))
	rstd := graph.StopGradient(graph.Rsqrt(graph.AddScalar(variance, eps)))
	xid := graph.IdentityWithCustomGradient(x, func(_, v *graph.Node) *graph.Node {
		mv := graph.ReduceAndKeep(v, graph.ReduceMean, axes...)
		mvy := graph.ReduceAndKeep(graph.Mul(v, y), graph.ReduceMean, axes...)
		return graph.Sub(graph.Sub(v, mv), graph.Mul(y, mvy))
	})
	y = graph.Mul(graph.Sub(xid, mean), rstd)
	return y, mean, variance
}

// affine applies y·gamma + beta per channel; nil gamma/beta are skipped.
func affine(y, gamma, beta *graph.Node) *graph.Node {
	if gamma != nil {
		y = graph.Mul(y, channelVector(gamma, y))
	}
	if beta != nil {
		y = graph.Add(y, channelVector(beta, y))
	}
	return y
}

// InstanceNorm normalizes each sample and channel of x [B, C, S...] over its spatial
// axes, then applies gamma, beta [C] (either may be nil).
func InstanceNorm(x, gamma, beta *graph.Node, eps float64) *graph.Node {
	y, _, _ := normalize(x, spatialAxes(x), eps)
	return affine(y, gamma, beta)
}

// GroupNorm normalizes each sample over groups of C/groups channels and all spatial
// axes, then applies gamma, beta [C] (either may be nil). C must be divisible by groups.
func GroupNorm(x *graph.Node, groups int, gamma, beta *graph.Node, eps float64) *graph.Node {
	dims := x.Shape().Dimensions
	if groups < 1 || dims[1]%groups != 0 {
		panicf("GroupNorm: %d channels of %s are not divisible into %d groups", dims[1], x.Shape(), groups)
	}
	split := append([]int{dims[0], groups, dims[1] / groups}, dims[2:]...)
	xg := graph.Reshape(x, split...)
	axes := make([]int, 0, len(split)-2)
	for i := 2; i < len(split); i++ {
		axes = append(axes, i)
	}
	y, _, _ := normalize(xg, axes, eps)
	return affine(graph.Reshape(y, dims...), gamma, beta)
}

// BatchNormTrain normalizes x [B, C, S...] per channel with the batch mean and biased
// variance (returned as [C] vectors) and applies gamma, beta [C] (either may be nil).
// Gradients flow through the batch statistics (the true batch-norm gradient).
func BatchNormTrain(x, gamma, beta *graph.Node, eps float64) (y, mean, variance *graph.Node) {
	axes := append([]int{0}, spatialAxes(x)...)
	y, mean, variance = normalize(x, axes, eps)
	c := x.Shape().Dimensions[1]
	return affine(y, gamma, beta), graph.Reshape(mean, c), graph.Reshape(variance, c)
}

// BatchNormInfer normalizes x [B, C, S...] with given per-channel mean and variance [C]
// and applies gamma, beta [C] (either may be nil).
func BatchNormInfer(x, gamma, beta, mean, variance *graph.Node, eps float64) *graph.Node {
	y := graph.Div(graph.Sub(x, channelVector(mean, x)), graph.Sqrt(graph.AddScalar(channelVector(variance, x), eps)))
	return affine(y, gamma, beta)
}
