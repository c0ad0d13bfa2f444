package nets

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// UNet is a MONAI-like U-Net (fields: Config). With NumResUnits 0, Down "maxpool",
// Norm "batch" and Act "relu" it is the classic U-Net (two conv3×3+BN+ReLU per
// level, max-pool, ConvTranspose k2 s2, skip concatenation, 1×1 head).
type UNet Config

// AxisDivisors returns, per spatial axis, the factor the input size must be a multiple of.
func (u UNet) AxisDivisors() []int { return u.common().axisDivisors() }

func (u UNet) common() Config { return Config(u) }

// Validate implements Net.
func (u UNet) Validate() error { return u.common().validate("unet") }

// Divisor implements Net: the product of the strides (with AxisStrides, the largest
// per-axis product; AxisDivisors and CheckInput are exact).
func (u UNet) Divisor() int { return u.common().divisor() }

// CheckInput implements Net.
func (u UNet) CheckInput(dims []int) error { return u.common().checkInput("unet", dims) }

// Build implements Net (and train.ModelFn).
func (u UNet) Build(ctx *context.Context, x *graph.Node) *graph.Node {
	c := u.common()
	c.mustBuildable("unet", x)
	feats := c.encode(ctx, x)
	h := feats[len(feats)-1]
	for i := len(feats) - 2; i >= 0; i-- {
		lctx := ctx.Inf("dec%d", i)
		up := c.upTo(lctx.In("up"), h, i)
		h = c.unit(lctx, graph.Concatenate([]*graph.Node{up, feats[i]}, 1), c.channels()[i], c.ones())
	}
	return c.head(ctx.In("head"), h)
}
