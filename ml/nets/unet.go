package nets

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// UNet is a MONAI-like U-Net. With NumResUnits 0, Down "maxpool", Norm "batch" and
// Act "relu" it is the classic U-Net (two conv3×3+BN+ReLU per level, max-pool,
// ConvTranspose k2 s2, skip concatenation, 1×1 head).
type UNet struct {
	// Dims is the number of spatial axes: 2 or 3.
	Dims int
	// InChannels, if > 0, is checked against the input; OutChannels is the number of
	// output channels (classes for segmentation, 1 for regression).
	InChannels, OutChannels int
	// Channels per level, top to bottom (default 16, 32, 64, 128).
	Channels []int
	// Strides between levels, each 1 or 2 (default 2); len(Channels)-1 values.
	Strides []int
	// NumResUnits > 0 uses residual units with that many conv subunits per stage;
	// 0 uses two plain conv blocks.
	NumResUnits int
	// Norm is "instance" (default), "batch", "group" or "none".
	Norm string
	// Act is "prelu" (default), "relu", "leakyrelu", "elu", "tanh", "sigmoid" or "none".
	Act string
	// Dropout rate after each activation while training (0 = none).
	Dropout float64
	// Down is "conv" (strided convolution, default) or "maxpool".
	Down string
	// AxisStrides, instead of Strides, gives per level one stride (1 or 2) per spatial
	// axis, e.g. [[1,2,2],[2,2,2]] for anisotropic 3D stacks with few z slices.
	AxisStrides [][]int
	// KernelSize of the encoder/decoder convolutions: odd, default 3.
	KernelSize int
	// UpKernelSize 0 up-samples with a transposed convolution whose kernel equals the
	// stride (ConvTranspose k2 s2: 1×1 conv + depth-to-space, the cheapest); an odd
	// value k uses ConvTranspose with kernel k, padding (k−1)/2, output padding s−1
	// (MONAI's up_kernel_size, 3 by default there).
	UpKernelSize int
}

// AxisDivisors returns, per spatial axis, the factor the input size must be a multiple of.
func (u UNet) AxisDivisors() []int { return u.common().axisDivisors() }

func (u UNet) common() common {
	return common{u.Dims, u.InChannels, u.OutChannels, u.Channels, u.Strides, u.NumResUnits, u.Norm, u.Act, u.Dropout, u.Down, u.AxisStrides, u.KernelSize, u.UpKernelSize}
}

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
