package nets

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Decoded runs the U-Net without its 1×1 head: the top decoder level's
// features, [N, Features[0], spatial...]. Build is the head on top of it, with
// the same variables (frameworks that put their own head on a U-Net, such as
// ProbUnet's combiner, use it).
func (u UNet) Decoded(ctx *context.Context, x *graph.Node) *graph.Node {
	c := u.common()
	c.mustBuildable("unet", x)
	feats := c.encode(ctx, x)
	h := feats[len(feats)-1]
	for i := len(feats) - 2; i >= 0; i-- {
		lctx := ctx.Inf("dec%d", i)
		up := c.upTo(lctx.In("up"), h, i)
		h = c.unit(lctx, graph.Concatenate([]*graph.Node{up, feats[i]}, 1), c.channels()[i], c.ones())
	}
	return h
}

// Encoded runs the U-Net's encoder alone and returns its bottom level's
// features, [N, Features[last], spatial/divisors...] (ProbUnet's prior and
// posterior nets). InChannels is not checked: the encoder may see more
// channels than the U-Net (the input and the target).
func (u UNet) Encoded(ctx *context.Context, x *graph.Node) *graph.Node {
	c := u.common()
	c.InChannels = 0
	c.mustBuildable("unet", x)
	feats := c.encode(ctx, x)
	return feats[len(feats)-1]
}
