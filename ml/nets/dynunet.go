package nets

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/nn"
)

// DynUNet is a residual U-Net with deep supervision, like MONAI's DynUNet with
// res_block: every stage is a residual unit (NumResUnits subunits, default 2), and
// DeepSupervision (≥ 0, < number of levels - 1) auxiliary 1×1 heads sit on the
// decoder levels just below the top.
//
// While training (ctx.IsTraining), Build returns the main head followed by the
// auxiliary heads, each nearest-up-sampled to the input size, concatenated on the
// channel axis: [B, (1+DeepSupervision)·OutChannels, S...]; use loss.Deep to weight
// them. Evaluation graphs return the main head only.
type DynUNet Config

// AxisDivisors returns, per spatial axis, the factor the input size must be a multiple of.
func (u DynUNet) AxisDivisors() []int { return u.common().axisDivisors() }

func (u DynUNet) common() Config {
	c := Config(u)
	if c.NumResUnits == 0 {
		c.NumResUnits = 2
	}
	return c
}

// Validate implements Net.
func (u DynUNet) Validate() error { return u.common().validate("dyn_unet") }

// Divisor implements Net.
func (u DynUNet) Divisor() int { return u.common().divisor() }

// CheckInput implements Net.
func (u DynUNet) CheckInput(dims []int) error { return u.common().checkInput("dyn_unet", dims) }

// Heads is the number of outputs concatenated while training (1 + DeepSupervision).
func (u DynUNet) Heads() int { return 1 + u.DeepSupervision }

// Build implements Net (and train.ModelFn).
func (u DynUNet) Build(ctx *context.Context, x *graph.Node) *graph.Node {
	c := u.common()
	if err := u.Validate(); err != nil {
		panic(err)
	}
	c.mustBuildable("dyn_unet", x)
	feats := c.encode(ctx, x)
	h := feats[len(feats)-1]
	training := ctx.IsTraining(x.Graph())
	aux := map[int]*graph.Node{}
	for i := len(feats) - 2; i >= 0; i-- {
		lctx := ctx.Inf("dec%d", i)
		up := c.upTo(lctx.In("up"), h, i)
		h = c.unit(lctx, graph.Concatenate([]*graph.Node{up, feats[i]}, 1), c.channels()[i], c.ones())
		if i >= 1 && i <= u.DeepSupervision {
			// Always create the head's variables so training and evaluation graphs share them.
			aux[i] = c.head(ctx.Inf("deep%d", i), h)
		}
	}
	out := c.head(ctx.In("head"), h)
	if !training || u.DeepSupervision == 0 {
		return out
	}
	outs := []*graph.Node{out}
	for i := 1; i <= u.DeepSupervision; i++ {
		factors := c.ones()
		for l := range i {
			for a, s := range c.between(l) {
				factors[a] *= s
			}
		}
		outs = append(outs, nn.RepeatUpsampleAxes(aux[i], factors))
	}
	return graph.Concatenate(outs, 1)
}
