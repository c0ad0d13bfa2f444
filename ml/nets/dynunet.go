package nets

import (
	"fmt"

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
type DynUNet struct {
	Dims                    int
	InChannels, OutChannels int
	Channels, Strides       []int
	// NumResUnits is the number of conv subunits per residual stage (default 2).
	NumResUnits     int
	Norm, Act       string
	Dropout         float64
	Down            string
	DeepSupervision int
	AxisStrides     [][]int
	KernelSize      int
	UpKernelSize    int
}

// AxisDivisors returns, per spatial axis, the factor the input size must be a multiple of.
func (u DynUNet) AxisDivisors() []int { return u.common().axisDivisors() }

func (u DynUNet) common() common {
	n := u.NumResUnits
	if n == 0 {
		n = 2
	}
	return common{u.Dims, u.InChannels, u.OutChannels, u.Channels, u.Strides, n, u.Norm, u.Act, u.Dropout, u.Down, u.AxisStrides, u.KernelSize, u.UpKernelSize}
}

// Validate implements Net.
func (u DynUNet) Validate() error {
	c := u.common()
	err := c.validate("dynunet")
	if levels := len(c.channels()); u.DeepSupervision < 0 || u.DeepSupervision > levels-2 {
		err = joinErr(err, fmt.Errorf("dynunet.deep_supervision: want 0..%d (levels below the top, above the bottom), got %d",
			levels-2, u.DeepSupervision))
	}
	return err
}

// Divisor implements Net.
func (u DynUNet) Divisor() int { return u.common().divisor() }

// CheckInput implements Net.
func (u DynUNet) CheckInput(dims []int) error { return u.common().checkInput("dynunet", dims) }

// Heads is the number of outputs concatenated while training (1 + DeepSupervision).
func (u DynUNet) Heads() int { return 1 + u.DeepSupervision }

// Build implements Net (and train.ModelFn).
func (u DynUNet) Build(ctx *context.Context, x *graph.Node) *graph.Node {
	c := u.common()
	if err := u.Validate(); err != nil {
		panic(err)
	}
	c.mustBuildable("dynunet", x)
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

func joinErr(a, b error) error {
	if a == nil {
		return b
	}
	return fmt.Errorf("%w\n%w", a, b)
}
