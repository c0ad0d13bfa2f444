package framework

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/nn"
)

// gaussian is an axis-aligned Gaussian over the latent space: mean and
// log-variance, each [N, LatentDim, 1, ...] (one per spatial axis).
type gaussian struct{ mu, logVar *graph.Node }

// features runs the backbone U-Net without its head.
func (p ProbUnet) features(ctx *context.Context, x *graph.Node) *graph.Node {
	if err := p.Net.CheckInput(x.Shape().Dimensions); err != nil {
		panic(err)
	}
	return p.Net.Decoded(ctx.InAbsPath(ProbUnetScope), x)
}

// latent runs the prior or posterior net (scope) on in: the U-Net's encoder,
// global average pooling, and 1×1 convolutions to the mean and log-variance.
func (p ProbUnet) latent(ctx *context.Context, scope string, in *graph.Node) gaussian {
	c := ctx.InAbsPath(scope)
	h := p.Net.Encoded(c.In("encoder"), in)
	axes := make([]int, h.Rank()-2)
	for i := range axes {
		axes[i] = i + 2
	}
	h = graph.ReduceAndKeep(h, graph.ReduceMean, axes...)
	// Small initial weights: both nets start near N(0, 1), so the KL term starts
	// near 0 and z near unit noise instead of swamping the reconstruction.
	c.SetParam(nn.InitParam, nn.InitNormal)
	return gaussian{
		mu:     nn.Conv(c.In("mu"), h, p.LatentDim, 1, 1, true),
		logVar: nn.Conv(c.In("log_var"), h, p.LatentDim, 1, 1, true),
	}
}

// posteriorInput is the posterior net's input: x and the target on channels,
// class labels one-hot over the classes for segmentation with several.
func (p ProbUnet) posteriorInput(x, y *graph.Node) *graph.Node {
	y = graph.ConvertDType(y, x.DType())
	if c := p.Net.OutChannels; p.Segmentation && c >= 2 && y.Shape().Dimensions[1] == 1 {
		dims := append([]int(nil), y.Shape().Dimensions...)
		dims[1] = c
		classes := graph.Iota(y.Graph(), shapeLike(y, dims), 1)
		y = graph.ConvertDType(graph.Equal(graph.BroadcastToDims(y, dims...), classes), x.DType())
	}
	xd, yd := x.Shape().Dimensions, y.Shape().Dimensions
	if xd[0] != yd[0] || len(xd) != len(yd) {
		panic(fmt.Errorf("probunet: input %v and target %v must have the same batch and rank", xd, yd))
	}
	return graph.Concatenate([]*graph.Node{x, y}, 1)
}

// combine is the combiner: [features, z broadcast over space] through 1×1
// convolutions with ReLU between them, to OutChannels.
func (p ProbUnet) combine(ctx *context.Context, feats, z *graph.Node) *graph.Node {
	c := ctx.InAbsPath(CombinerScope)
	dims := append([]int(nil), feats.Shape().Dimensions...)
	width := dims[1]
	dims[1] = p.LatentDim
	h := graph.Concatenate([]*graph.Node{feats, graph.BroadcastToDims(z, dims...)}, 1)
	h = nn.Activate(nn.Conv(c.In("fc0"), h, width, 1, 1, true), "relu")
	h = nn.Activate(nn.Conv(c.In("fc1"), h, width, 1, 1, true), "relu")
	return nn.Conv(c.In("out"), h, p.Net.OutChannels, 1, 1, true)
}

// kl is KL(q‖p) of two axis-aligned Gaussians, summed over the latent axis
// and averaged over the batch, with both log-variances clamped to ±KLClamp.
func (p ProbUnet) kl(q, pr gaussian) *graph.Node {
	lq := graph.ClipScalar(q.logVar, -p.KLClamp, p.KLClamp)
	lp := graph.ClipScalar(pr.logVar, -p.KLClamp, p.KLClamp)
	d := graph.Sub(q.mu, pr.mu)
	ratio := graph.Div(graph.Add(graph.Exp(lq), graph.Mul(d, d)), graph.Exp(lp))
	t := graph.AddScalar(graph.Add(graph.Sub(lp, lq), ratio), -1)
	perItem := graph.ReduceSum(t, intsFrom(1, t.Rank())...)
	return graph.MulScalar(graph.ReduceAllMean(perItem), 0.5)
}

// samples is whole-image inference: the U-Net and the prior once, the
// combiner once per sample with z = μ + ε_s·σ, stacked on channels
// ([N, Samples·OutChannels, spatial...], sample-major). ε_s is fixed
// (sampleNoise), so every window and every run uses the same latent offsets.
func (p ProbUnet) samples(ctx *context.Context, x *graph.Node) *graph.Node {
	p = p.withDefaults()
	feats := p.features(ctx, x)
	prior := p.latent(ctx, PriorScope, x)
	sigma := graph.Exp(graph.MulScalar(prior.logVar, 0.5))
	noise := sampleNoise(p.Samples, p.LatentDim)
	dims := prior.mu.Shape().Dimensions
	epsDims := append([]int{1}, dims[1:]...)
	outs := make([]*graph.Node, p.Samples)
	for s := range outs {
		eps := graph.Reshape(graph.Const(x.Graph(), noise[s]), epsDims...)
		eps = graph.ConvertDType(eps, prior.mu.DType())
		outs[s] = p.combine(ctx, feats, graph.Add(prior.mu, graph.Mul(eps, sigma)))
	}
	return graph.Concatenate(outs, 1)
}

// sampleNoise returns n fixed standard-normal vectors of size dim (seeded, so
// inference is reproducible).
func sampleNoise(n, dim int) [][]float32 {
	r := rand.New(rand.NewPCG(16, 2018))
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, dim)
		for j := range out[i] {
			out[i][j] = float32(r.NormFloat64())
		}
	}
	return out
}

func intsFrom(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// shapeLike is a shape of x's dtype with the given dimensions.
func shapeLike(x *graph.Node, dims []int) shapes.Shape { return shapes.Make(x.DType(), dims...) }
