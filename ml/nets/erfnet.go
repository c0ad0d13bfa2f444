package nets

import (
	"errors"
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/im2im/im2im/ml/nn"
)

// BranchedERFNet is EmbedSeg's network (Neven et al.'s SpatialEmbeddings, as
// mmv_im2im's BranchedERFNet_2d/_3d): an ERFNet encoder (1/8 resolution, 128
// channels) shared by two decoders, one for the 2·Dims offset and sigma channels
// and one for the seed logit, concatenated. The output is [B, 2·Dims+1, S...]:
// offsets x, y (, z) (x is the last array axis), then sigmas x, y (, z), then
// the seed logit — all raw (loss.SpatialEmbedding applies tanh, exp and sigmoid).
//
// Layers: Downsampler(in→16), Downsampler(16→64), 5 non-bottleneck-1d blocks
// (64 channels, dilation 1, channel dropout Dropout[0]), Downsampler(64→128),
// 2 × 4 blocks (128 channels, dilations 2, 4, 8, 16, dropout Dropout[1]); each
// decoder: Upsampler(128→64), 2 blocks, Upsampler(64→16), 2 blocks, then a 2×2
// stride-2 transposed convolution to its channels. Batch norms use ε 1e-3. The
// offset/sigma output layer starts with zero weights, offset biases 0 and sigma
// biases 1 (mmv's init_output); the rest start as nn.Conv's. Zero values mean the
// defaults in brackets.
type BranchedERFNet struct {
	// Dims is 2 or 3 (0: the data's, filled in by the caller).
	Dims int `yaml:"dims"`
	// InChannels, if > 0, is checked against the data; inputs must have 1..15
	// channels (the first Downsampler concatenates 16−C convolved channels with
	// the C pooled ones). [0: any]
	InChannels int `yaml:"in_channels"`
	// Dropout holds the encoder's two channel-dropout rates: of the 64-channel
	// blocks and of the 128-channel blocks; [0, 0] disables both. [0.03, 0.3]
	Dropout []float64 `yaml:"dropout"`
}

// ERFNetDivisor is the factor every spatial size of a BranchedERFNet input must
// be a multiple of (three stride-2 Downsamplers).
const ERFNetDivisor = 8

// erfnetBNEps is the epsilon of ERFNet's batch norms.
const erfnetBNEps = 1e-3

// OutChannels returns the number of output channels, 2·Dims+1.
func (n BranchedERFNet) OutChannels() int { return 2*n.Dims + 1 }

func (n BranchedERFNet) dropout() [2]float64 {
	if len(n.Dropout) == 2 {
		return [2]float64{n.Dropout[0], n.Dropout[1]}
	}
	return [2]float64{0.03, 0.3}
}

// Validate returns every configuration problem at once (each a *FieldError).
func (n BranchedERFNet) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Net: "branched_erfnet", Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if n.Dims != 2 && n.Dims != 3 {
		add("dims", "want 2 or 3, got %d", n.Dims)
	}
	if n.InChannels < 0 || n.InChannels > 15 {
		add("in_channels", "want 1..15 (0 = any), got %d", n.InChannels)
	}
	if len(n.Dropout) != 0 && len(n.Dropout) != 2 {
		add("dropout", "want 2 rates (64- and 128-channel blocks), got %v", n.Dropout)
	}
	for i, r := range n.Dropout {
		if r < 0 || r >= 1 {
			add(fmt.Sprintf("dropout[%d]", i), "want a rate in [0, 1), got %g", r)
		}
	}
	return errors.Join(errs...)
}

// Divisor implements Net: ERFNetDivisor.
func (n BranchedERFNet) Divisor() int { return ERFNetDivisor }

// CheckInput reports whether an input of dims [batch, channels, spatial...] fits:
// Dims spatial axes, each a multiple of 8, and 1..15 channels (InChannels if set).
func (n BranchedERFNet) CheckInput(dims []int) error {
	if len(dims) != n.Dims+2 {
		return fmt.Errorf("branched_erfnet: input dims %v: want [batch, channels, %d spatial axes]", dims, n.Dims)
	}
	if n.InChannels > 0 && dims[1] != n.InChannels {
		return fmt.Errorf("branched_erfnet: input has %d channels, in_channels is %d", dims[1], n.InChannels)
	}
	if dims[1] < 1 || dims[1] > 15 {
		return fmt.Errorf("branched_erfnet: input has %d channels, want 1..15", dims[1])
	}
	for i, s := range dims[2:] {
		if s%ERFNetDivisor != 0 {
			return fmt.Errorf("branched_erfnet: spatial size %d (axis %d of %v) is not a multiple of %d (three stride-2 down-samplers)",
				s, i+2, dims, ERFNetDivisor)
		}
	}
	return nil
}

// Build implements Net: it returns [B, 2·Dims+1, S...] (see BranchedERFNet).
func (n BranchedERFNet) Build(ctx *context.Context, x *graph.Node) *graph.Node {
	if err := n.Validate(); err != nil {
		panic(err)
	}
	if err := n.CheckInput(x.Shape().Dimensions); err != nil {
		panic(err)
	}
	h := n.encode(ctx.In("encoder"), x)
	emb := n.decode(ctx.In("decoder0"), h)
	emb = n.embeddingOutput(ctx.In("decoder0").In("output"), emb)
	seed := n.decode(ctx.In("decoder1"), h)
	seed = nn.ConvTransposeLayer(ctx.In("decoder1").In("output"), seed, 1, 2, 2, 0, 0)
	return graph.Concatenate([]*graph.Node{emb, seed}, 1)
}

// encode is ERFNet's encoder: [B, C, S...] → [B, 128, S/8...].
func (n BranchedERFNet) encode(ctx *context.Context, x *graph.Node) *graph.Node {
	p := n.dropout()
	h := downsampler(ctx.In("down0"), x, 16)
	h = downsampler(ctx.In("down1"), h, 64)
	for i := range 5 {
		h = nonBottleneck1D(ctx.Inf("block%d", i), h, p[0], 1)
	}
	h = downsampler(ctx.In("down2"), h, 128)
	for i := range 8 {
		h = nonBottleneck1D(ctx.Inf("block%d", 5+i), h, p[1], 2<<(i%4))
	}
	return h
}

// decode is one decoder without its output layer: [B, 128, S/8...] → [B, 16, S...]/2.
func (n BranchedERFNet) decode(ctx *context.Context, h *graph.Node) *graph.Node {
	h = upsampler(ctx.In("up0"), h, 64)
	h = nonBottleneck1D(ctx.In("block0"), h, 0, 1)
	h = nonBottleneck1D(ctx.In("block1"), h, 0, 1)
	h = upsampler(ctx.In("up1"), h, 16)
	h = nonBottleneck1D(ctx.In("block2"), h, 0, 1)
	return nonBottleneck1D(ctx.In("block3"), h, 0, 1)
}

// embeddingOutput is decoder 0's output layer (2×2 stride-2 transposed conv to
// 2·Dims channels) with mmv's init_output: zero weights, bias 0 for the offsets and
// 1 for the sigmas.
func (n BranchedERFNet) embeddingOutput(ctx *context.Context, h *graph.Node) *graph.Node {
	out, in := 2*n.Dims, h.Shape().Dimensions[1]
	wDims := []int{out, in}
	for range n.Dims {
		wDims = append(wDims, 2)
	}
	g := h.Graph()
	w := ctx.WithInitializer(initializers.Zero).VariableWithShape("weights", shapes.Make(h.DType(), wDims...)).ValueGraph(g)
	b := ctx.WithInitializer(embeddingBias(n.Dims, out)).VariableWithShape("bias", shapes.Make(h.DType(), out)).ValueGraph(g)
	twos := make([]int, n.Dims)
	for i := range twos {
		twos[i] = 2
	}
	return nn.ConvTranspose(h, w, b, twos, make([]int, n.Dims), make([]int, n.Dims))
}
