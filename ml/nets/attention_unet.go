package nets

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/nn"
)

// AttentionUNet is UNet with an attention gate on every skip connection: the
// up-sampled decoder features gate the encoder features before concatenation
// (Oktay et al. 2018, as MONAI's AttentionUnet; the gates use batch norm, or none when
// Norm is "none"). Its fields are Config's.
type AttentionUNet Config

// AxisDivisors returns, per spatial axis, the factor the input size must be a multiple of.
func (u AttentionUNet) AxisDivisors() []int { return u.common().axisDivisors() }

func (u AttentionUNet) common() Config { return Config(u) }

// Validate implements Net.
func (u AttentionUNet) Validate() error { return u.common().validate("attention_unet") }

// Divisor implements Net.
func (u AttentionUNet) Divisor() int { return u.common().divisor() }

// CheckInput implements Net.
func (u AttentionUNet) CheckInput(dims []int) error {
	return u.common().checkInput("attention_unet", dims)
}

// Build implements Net (and train.ModelFn).
func (u AttentionUNet) Build(ctx *context.Context, x *graph.Node) *graph.Node {
	c := u.common()
	c.mustBuildable("attention_unet", x)
	// The gates normalize with batch norm, as MONAI's AttentionBlock (instance norm
	// would force the one-channel gate to zero mean), unless norms are off.
	gateNorm := nn.NormBatch
	if c.Norm == nn.NormNone {
		gateNorm = nn.NormNone
	}
	feats := c.encode(ctx, x)
	h := feats[len(feats)-1]
	for i := len(feats) - 2; i >= 0; i-- {
		lctx := ctx.Inf("dec%d", i)
		ch := c.channels()[i]
		up := c.upTo(lctx.In("up"), h, i)
		skip := nn.AttentionGate(lctx.In("gate"), up, feats[i], max(ch/2, 1), gateNorm)
		h = c.unit(lctx, graph.Concatenate([]*graph.Node{up, skip}, 1), ch, c.ones())
	}
	return c.head(ctx.In("head"), h)
}
