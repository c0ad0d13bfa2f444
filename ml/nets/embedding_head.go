package nets

import (
	"math"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/im2im/im2im/ml/nn"
)

// HeadInitEmbedSeg is the Config.HeadInit of a U-Net that predicts EmbedSeg's
// 2·Dims+1 channels (offsets, sigmas, seed logit): its 1×1 head starts as
// mmv_im2im's init_output of BranchedERFNet — offset and sigma weights 0,
// offset biases 0, sigma biases 1 — and the seed channel as nn.Conv's (He
// uniform weights, bias 0). Without it the offsets start random (a spread of
// tens of voxels inside each object) and the bandwidths at e^0 instead of e^10.
const HeadInitEmbedSeg = "embedseg"

// embeddingBias is the bias initialiser of an EmbedSeg output layer of out
// channels: 0 for the dims offsets, 1 for the sigmas, 0 for anything after them.
func embeddingBias(dims, out int) initializers.VariableInitializer {
	return func(g *graph.Graph, s shapes.Shape) *graph.Node {
		v := make([]float64, out)
		for i := dims; i < 2*dims && i < out; i++ {
			v[i] = 1
		}
		return graph.ConvertDType(graph.Const(g, v), s.DType)
	}
}

// embedSegHead is Config.head with HeadInitEmbedSeg: a 1×1 convolution to
// 2·Dims+1 channels whose first 2·Dims output channels start at weight 0.
func (c Config) embedSegHead(ctx *context.Context, h *graph.Node) *graph.Node {
	d, out, in := c.Dims, c.OutChannels, h.Shape().Dimensions[1]
	wDims := []int{out, in}
	for range d {
		wDims = append(wDims, 1)
	}
	bound := math.Sqrt(6 / float64(in))
	uniform := initializers.RandomUniformFn(ctx, -bound, bound)
	seedOnly := func(g *graph.Graph, s shapes.Shape) *graph.Node {
		mask := make([]float64, out)
		mask[out-1] = 1
		m := graph.ConvertDType(graph.Const(g, mask), s.DType)
		m = graph.Reshape(m, append([]int{out}, make1s(len(s.Dimensions)-1)...)...)
		return graph.Mul(uniform(g, s), m)
	}
	g := h.Graph()
	w := ctx.WithInitializer(seedOnly).VariableWithShape("weights", shapes.Make(h.DType(), wDims...)).ValueGraph(g)
	b := ctx.WithInitializer(embeddingBias(d, out)).VariableWithShape("bias", shapes.Make(h.DType(), out)).ValueGraph(g)
	return nn.ConvND(h, w, b, make1s(d), make([][2]int, d))
}

// make1s returns n ones.
func make1s(n int) []int { return repeatInt(n, 1) }
