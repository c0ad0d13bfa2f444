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
	return u.common().head(ctx.In("head"), u.Decoded(ctx, x))
}
