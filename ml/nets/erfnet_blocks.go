package nets

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/nn"
)

// downsampler is ERFNet's DownsamplerBlock: a 3×3(×3) stride-2 convolution (pad 1,
// bias) to out−C channels concatenated with a 2× max-pool of the C input
// channels, then batch norm (ε 1e-3) and ReLU.
func downsampler(ctx *context.Context, x *graph.Node, out int) *graph.Node {
	spatial := x.Rank() - 2
	conv := nn.ConvLayer(ctx.In("conv"), x, nn.ConvSpec{Out: out - x.Shape().Dimensions[1], Kernel: repeatInt(spatial, 3),
		Strides: repeatInt(spatial, 2), Pads: repeatInt(spatial, 1), Bias: true})
	h := graph.Concatenate([]*graph.Node{conv, nn.MaxPool(x, 2, 2)}, 1)
	return nn.Activate(nn.BatchNorm(ctx.In("bn"), h, erfnetBNEps), nn.ActReLU)
}

// upsampler is ERFNet's UpsamplerBlock: a 3×3(×3) transposed convolution, stride 2,
// pad 1, output pad 1 (bias), then batch norm (ε 1e-3) and ReLU.
func upsampler(ctx *context.Context, x *graph.Node, out int) *graph.Node {
	h := nn.ConvTransposeLayer(ctx.In("conv"), x, out, 3, 2, 1, 1)
	return nn.Activate(nn.BatchNorm(ctx.In("bn"), h, erfnetBNEps), nn.ActReLU)
}

// nonBottleneck1D is ERFNet's residual block of factorised convolutions on c
// channels: per half, one 3-tap convolution along each spatial axis in turn (ReLU
// between them, bias on each), then batch norm (ε 1e-3); ReLU between the halves.
// The second half's taps are dilated by dilation along their own axis. Channel
// dropout (rate) follows, then the residual add and a ReLU.
func nonBottleneck1D(ctx *context.Context, x *graph.Node, rate float64, dilation int) *graph.Node {
	h := factorisedHalf(ctx.In("half0"), x, 1)
	h = nn.Activate(h, nn.ActReLU)
	h = factorisedHalf(ctx.In("half1"), h, dilation)
	h = nn.ChannelDropout(ctx, h, rate)
	return nn.Activate(graph.Add(h, x), nn.ActReLU)
}

// factorisedHalf is one half of nonBottleneck1D: a 3-tap convolution along each
// spatial axis (first axis first, dilated by d along it, same padding), ReLU
// between them, then batch norm.
func factorisedHalf(ctx *context.Context, x *graph.Node, d int) *graph.Node {
	spatial := x.Rank() - 2
	c := x.Shape().Dimensions[1]
	h := x
	for a := range spatial {
		if a > 0 {
			h = nn.Activate(h, nn.ActReLU)
		}
		spec := nn.ConvSpec{Out: c, Kernel: repeatInt(spatial, 1), Pads: make([]int, spatial), Dilations: repeatInt(spatial, 1), Bias: true}
		spec.Kernel[a], spec.Pads[a], spec.Dilations[a] = 3, d, d
		h = nn.ConvLayer(ctx.Inf("conv%d", a), h, spec)
	}
	return nn.BatchNorm(ctx.In("bn"), h, erfnetBNEps)
}

// repeatInt returns n copies of v.
func repeatInt(n, v int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}
