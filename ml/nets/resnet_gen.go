package nets

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/nn"
)

// ResNetGenerator is the pix2pix/CycleGAN ResNet generator (Johnson et al.;
// mmv_im2im's predefined_resnet): a border-padded 7×7 stem, NDown stride-2 3×3
// convolutions doubling the channels, NRes residual units at the bottleneck,
// NDown stride-2 3×3 transposed convolutions halving them, and a border-padded
// 7×7 output convolution. Every convolution but the last is followed by Norm and
// ReLU. Borders are mirrored in 2D and replicated in 3D (PyTorch's reflection
// padding has no 3D form there). Like mmv's, it has no output Tanh: outputs are
// unbounded, for normalised data. Zero values mean the defaults in brackets.
type ResNetGenerator struct {
	// Dims is 2 or 3 (0: the data's, filled in by the caller).
	Dims int `yaml:"dims"`
	// InChannels, if > 0, is checked against the data; OutChannels of the
	// output. [1]
	InChannels  int `yaml:"in_channels"`
	OutChannels int `yaml:"out_channels"`
	// NF is the stem's channel count. [64]
	NF int `yaml:"nf"`
	// NDown is the number of stride-2 down-samplings (and up-samplings). [2]
	NDown int `yaml:"n_down"`
	// NRes is the number of residual units at the bottleneck. [9]
	NRes int `yaml:"n_res"`
	// Norm is instance, batch, group or none. [instance]
	Norm string `yaml:"norm"`
	// Dropout rate inside the residual units while training. [0]
	Dropout float64 `yaml:"dropout"`
}

func (r ResNetGenerator) withDefaults() ResNetGenerator {
	if r.OutChannels == 0 {
		r.OutChannels = 1
	}
	if r.NF == 0 {
		r.NF = 64
	}
	if r.NDown == 0 {
		r.NDown = 2
	}
	if r.NRes == 0 {
		r.NRes = 9
	}
	if r.Norm == "" {
		r.Norm = nn.NormInstance
	}
	return r
}

// Resolved returns r with the defaults of its zero fields filled in (what
// Build builds).
func (r ResNetGenerator) Resolved() ResNetGenerator { return r.withDefaults() }

// Validate implements Net.
func (r ResNetGenerator) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Net: "resnet", Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if r.Dims != 2 && r.Dims != 3 {
		add("dims", "want 2 or 3, got %d", r.Dims)
	}
	if r.InChannels < 0 {
		add("in_channels", "must be ≥ 0 (0 = any), got %d", r.InChannels)
	}
	if r.OutChannels < 0 {
		add("out_channels", "must be ≥ 1, got %d", r.OutChannels)
	}
	if r.NF < 0 {
		add("nf", "must be ≥ 1, got %d", r.NF)
	}
	if r.NDown < 0 || r.NDown > 6 {
		add("n_down", "want 1..6 down-samplings, got %d", r.NDown)
	}
	if r.NRes < 0 {
		add("n_res", "must be ≥ 1, got %d", r.NRes)
	}
	if r.Norm != "" && !slices.Contains(nn.NormKinds, r.Norm) {
		add("norm", "want one of %v, got %q", nn.NormKinds, r.Norm)
	}
	if r.Dropout < 0 || r.Dropout >= 1 {
		add("dropout", "want a rate in [0, 1), got %g", r.Dropout)
	}
	return errors.Join(errs...)
}

// Divisor implements Net: 2^NDown.
func (r ResNetGenerator) Divisor() int { return 1 << r.withDefaults().NDown }

// CheckInput implements Net: sizes must be multiples of 2^NDown and larger than
// 3 (the stem mirrors 3 voxels).
func (r ResNetGenerator) CheckInput(dims []int) error {
	r = r.withDefaults()
	if len(dims) != r.Dims+2 {
		return fmt.Errorf("resnet: input dims %v: want [batch, channels, %d spatial axes]", dims, r.Dims)
	}
	if r.InChannels > 0 && dims[1] != r.InChannels {
		return fmt.Errorf("resnet: input has %d channels, in_channels is %d", dims[1], r.InChannels)
	}
	d := r.Divisor()
	for i, s := range dims[2:] {
		if s%d != 0 || s <= 3 {
			return fmt.Errorf("resnet: spatial size %d (axis %d of %v) must be a multiple of %d (2^n_down) and larger than 3", s, i+2, dims, d)
		}
	}
	return nil
}

// Build implements Net.
func (r ResNetGenerator) Build(ctx *context.Context, x *graph.Node) *graph.Node {
	r = r.withDefaults()
	if err := r.Validate(); err != nil {
		panic(err)
	}
	if err := r.CheckInput(x.Shape().Dimensions); err != nil {
		panic(err)
	}
	pad := nn.PadReflect
	if r.Dims == 3 {
		pad = nn.PadReplicate
	}
	block := nn.BlockConfig{Norm: r.Norm, Act: nn.ActReLU, Dropout: r.Dropout, Kernel: 3}
	normAct := func(ctx *context.Context, h *graph.Node) *graph.Node {
		return nn.Act(ctx, nn.Norm(ctx.In("norm"), h, r.Norm), nn.ActReLU)
	}
	useBias := r.Norm == nn.NormNone
	h := nn.ConvPadded(ctx.In("stem"), nn.PadSpatial(x, 3, pad), r.NF, 7, 1, 0, useBias)
	h = normAct(ctx.In("stem"), h)
	ch := r.NF
	for i := range r.NDown {
		ch *= 2
		h = normAct(ctx.Inf("down%d", i), nn.ConvPadded(ctx.Inf("down%d", i), h, ch, 3, 2, 1, useBias))
	}
	for i := range r.NRes {
		h = nn.ResidualUnit(ctx.Inf("res%d", i), h, ch, 1, 2, block)
	}
	strides := make([]int, r.Dims)
	for i := range strides {
		strides[i] = 2
	}
	for i := range r.NDown {
		ch /= 2
		h = normAct(ctx.Inf("up%d", i), nn.UpConvTranspose(ctx.Inf("up%d", i), h, ch, 3, strides))
	}
	return nn.ConvPadded(ctx.In("out"), nn.PadSpatial(h, 3, pad), r.OutChannels, 7, 1, 0, true)
}
