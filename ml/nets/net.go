package nets

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/nn"
)

// Net is a network built from its configuration.
type Net interface {
	// Build adds the network to x's graph under ctx's scope and returns its prediction.
	// It panics (GoMLX's convention for graph building) with an error naming the
	// problem when the config is invalid or x has the wrong shape; call Validate and
	// CheckInput first to get errors instead.
	Build(ctx *context.Context, x *graph.Node) *graph.Node
	// Validate returns every configuration problem at once, joined (nil when valid).
	Validate() error
	// Divisor is a factor that, when every spatial size of the input is a multiple of
	// it, makes the input fit (the product of the strides; with per-axis strides the
	// largest per-axis product — CheckInput is exact).
	Divisor() int
	// CheckInput reports whether an input of dims [batch, channels, spatial...] fits.
	CheckInput(dims []int) error
}

// DefaultFeatures are the U-Nets' features per level when Features is empty.
var DefaultFeatures = []int{16, 32, 64, 128}

// Config is the one description of a U-Net's settings, shared by UNet,
// AttentionUNet and DynUNet (each a defined type of it) and by the declarations
// cells and YAML files use (stdlib/im2im). Zero values mean the defaults in
// brackets.
type Config struct {
	// Dims is 2 or 3 (0: the data's).
	Dims int `yaml:"dims"`
	// InChannels, if > 0, is checked against the data; OutChannels is the number of
	// classes (segmentation) or output channels (regression). [1]
	InChannels  int `yaml:"in_channels"`
	OutChannels int `yaml:"out_channels"`
	// Features per level, top to bottom (at least 2 levels). [16, 32, 64, 128]
	Features []int `yaml:"features"`
	// Strides between levels (1 or 2; len(Features)-1 values). [2 everywhere]
	Strides []int `yaml:"strides"`
	// AxisStrides, instead of Strides, gives per level one stride (1 or 2) per
	// spatial axis, e.g. [[1, 2, 2], [2, 2, 2]] for anisotropic stacks with few z
	// slices (MONAI DynUNet's strides). [none: Strides]
	AxisStrides [][]int `yaml:"axis_strides"`
	// NumResUnits > 0 uses residual units of that many conv subunits per stage; 0
	// uses two plain conv blocks. [0; 2 for dyn_unet, whose stages are residual]
	NumResUnits int `yaml:"num_res_units"`
	// Norm is instance, batch, group or none. [instance]
	Norm string `yaml:"norm"`
	// Act is prelu, relu, leakyrelu, elu, tanh, sigmoid or none. [prelu]
	Act string `yaml:"act"`
	// Dropout rate after each activation while training. [0]
	Dropout float64 `yaml:"dropout"`
	// Down is conv (strided convolution) or maxpool (max-pool, then stride-1
	// convolutions). [conv]
	Down string `yaml:"down"`
	// KernelSize of the convolutions (odd). [3]
	KernelSize int `yaml:"kernel_size"`
	// UpKernelSize 0 up-samples with ConvTranspose k2 s2 (kernel = stride: a 1×1
	// conv + depth-to-space, the cheapest); an odd k uses ConvTranspose with kernel
	// k, padding (k−1)/2, output padding s−1 (MONAI's up_kernel_size). [0]
	UpKernelSize int `yaml:"up_kernel_size"`
	// DeepSupervision (dyn_unet only) adds that many auxiliary heads on the
	// decoder levels below the top while training; the loss is the sum over heads
	// weighted 0.5^i (normalised, main head first; MONAI's DeepSupervisionLoss).
	// Prediction and validation use the main head. At most len(Features)-2; no
	// cost map. [0]
	DeepSupervision int `yaml:"deep_supervision,omitempty"`
	// HeadInit "" starts the 1×1 head as nn.Conv; HeadInitEmbedSeg starts it as
	// EmbedSeg's output layer (set by the embedseg framework, not declared).
	HeadInit string `yaml:"-"`
}

// FieldError is one configuration problem of a net: the field (its YAML path
// below the net, e.g. "features" or "strides[1]") and what is wrong. Validate
// returns them joined (errors.Join), so callers can place each one.
type FieldError struct {
	// Net is the net's kind (unet, attention_unet, dyn_unet).
	Net string
	// Field is the field's path below the net.
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error implements error: "unet.features: want ≥ 2 levels, got 1 ([8])".
func (e *FieldError) Error() string { return e.Net + "." + e.Field + ": " + e.Msg }

// Down-sampling modes.
const (
	DownConv    = "conv"    // strided convolution (MONAI's UNet)
	DownMaxPool = "maxpool" // max-pool with window = stride, then stride-1 convolutions
)

func (c Config) channels() []int {
	if len(c.Features) == 0 {
		return DefaultFeatures
	}
	return c.Features
}

func (c Config) strides() []int {
	if len(c.Strides) > 0 {
		return c.Strides
	}
	s := make([]int, len(c.channels())-1)
	for i := range s {
		s[i] = 2
	}
	return s
}

func (c Config) block() nn.BlockConfig {
	return nn.BlockConfig{Norm: c.Norm, Act: c.Act, Dropout: c.Dropout, Kernel: c.KernelSize}
}

// validate checks the shared fields; name is the net's kind, for messages.
func (c Config) validate(name string) error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Net: name, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if c.Dims != 2 && c.Dims != 3 {
		add("dims", "want 2 or 3, got %d", c.Dims)
	}
	if c.InChannels < 0 {
		add("in_channels", "must be ≥ 0 (0 = any), got %d", c.InChannels)
	}
	if c.OutChannels < 1 {
		add("out_channels", "must be ≥ 1, got %d", c.OutChannels)
	}
	switch {
	case c.HeadInit == "":
	case c.HeadInit != HeadInitEmbedSeg:
		add("head_init", "want %q or none, got %q", HeadInitEmbedSeg, c.HeadInit)
	case c.OutChannels != 2*c.Dims+1:
		add("out_channels", "embedseg needs 2·dims+1 = %d (offsets, sigmas, seed), got %d", 2*c.Dims+1, c.OutChannels)
	}
	ch := c.channels()
	if len(ch) < 2 {
		add("features", "want ≥ 2 levels, got %d (%v)", len(ch), ch)
	}
	for i, v := range ch {
		if v < 1 {
			add(fmt.Sprintf("features[%d]", i), "must be ≥ 1, got %d", v)
		}
	}
	if len(c.Strides) > 0 && len(c.Strides) != len(ch)-1 {
		add("strides", "want %d values (one per level below the first), got %v", len(ch)-1, c.Strides)
	}
	for i, s := range c.Strides {
		if s != 1 && s != 2 {
			add(fmt.Sprintf("strides[%d]", i), "only 1 or 2 are supported, got %d", s)
		}
	}
	if len(c.AxisStrides) > 0 {
		if len(c.Strides) > 0 {
			add("axis_strides", "set either strides or axis_strides, not both")
		}
		if len(c.AxisStrides) != len(ch)-1 {
			add("axis_strides", "want %d levels (one per level below the first), got %d", len(ch)-1, len(c.AxisStrides))
		}
		for i, level := range c.AxisStrides {
			if len(level) != c.Dims {
				add(fmt.Sprintf("axis_strides[%d]", i), "want %d values (one per spatial axis), got %v", c.Dims, level)
			}
			for j, s := range level {
				if s != 1 && s != 2 {
					add(fmt.Sprintf("axis_strides[%d][%d]", i, j), "only 1 or 2 are supported, got %d", s)
				}
			}
		}
	}
	if c.KernelSize < 0 || (c.KernelSize > 0 && c.KernelSize%2 == 0) {
		add("kernel_size", "want an odd size ≥ 1 (0 = 3), got %d", c.KernelSize)
	}
	if c.UpKernelSize < 0 || (c.UpKernelSize > 0 && c.UpKernelSize%2 == 0) {
		add("up_kernel_size", "want 0 (kernel = stride) or an odd size, got %d", c.UpKernelSize)
	}
	if c.NumResUnits < 0 {
		add("num_res_units", "must be ≥ 0, got %d", c.NumResUnits)
	}
	if c.Norm != "" && !slices.Contains(nn.NormKinds, c.Norm) {
		add("norm", "want one of %v, got %q", nn.NormKinds, c.Norm)
	}
	if c.Act != "" && !slices.Contains(nn.ActNames, c.Act) {
		add("act", "want one of %v, got %q", nn.ActNames, c.Act)
	}
	if c.Dropout < 0 || c.Dropout >= 1 {
		add("dropout", "want a rate in [0, 1), got %g", c.Dropout)
	}
	if c.Down != "" && c.Down != DownConv && c.Down != DownMaxPool {
		add("down", "want %q or %q, got %q", DownConv, DownMaxPool, c.Down)
	}
	if levels := len(ch); c.DeepSupervision != 0 && name != "dyn_unet" {
		add("deep_supervision", "only dyn_unet has auxiliary heads, got %d", c.DeepSupervision)
	} else if c.DeepSupervision != 0 && (c.DeepSupervision < 0 || c.DeepSupervision > levels-2) {
		add("deep_supervision", "want 0..%d (levels below the top, above the bottom), got %d", levels-2, c.DeepSupervision)
	}
	return errors.Join(errs...)
}

// between returns the per-axis strides between level i and level i+1.
func (c Config) between(i int) []int {
	if len(c.AxisStrides) > 0 {
		if i < len(c.AxisStrides) && len(c.AxisStrides[i]) == c.Dims {
			return c.AxisStrides[i]
		}
		return c.ones() // invalid config (Validate reports it); keep callers safe
	}
	out := make([]int, c.Dims)
	for a := range out {
		out[a] = c.strides()[i]
	}
	return out
}

// axisDivisors returns, per spatial axis, the product of the strides along it.
func (c Config) axisDivisors() []int {
	d := make([]int, c.Dims)
	for a := range d {
		d[a] = 1
	}
	for i := 0; i < len(c.channels())-1; i++ {
		for a, s := range c.between(i) {
			if a < len(d) {
				d[a] *= s
			}
		}
	}
	return d
}

// divisor is the largest per-axis divisor: a multiple of it on every axis always fits.
func (c Config) divisor() int {
	m := 1
	for _, d := range c.axisDivisors() {
		m = max(m, d)
	}
	return m
}

func (c Config) checkInput(name string, dims []int) error {
	if len(dims) != c.Dims+2 {
		return fmt.Errorf("%s: input dims %v: want [batch, channels, %d spatial axes]", name, dims, c.Dims)
	}
	if c.InChannels > 0 && dims[1] != c.InChannels {
		return fmt.Errorf("%s: input has %d channels, in_channels is %d", name, dims[1], c.InChannels)
	}
	for i, d := range c.axisDivisors() {
		if s := dims[2+i]; s%d != 0 {
			return fmt.Errorf("%s: spatial size %d (axis %d of %v) is not a multiple of %d (the product of the strides along it)",
				name, s, i+2, dims, d)
		}
	}
	return nil
}

// mustBuildable panics with the validation or input error, if any.
func (c Config) mustBuildable(name string, x *graph.Node) {
	if err := c.validate(name); err != nil {
		panic(err)
	}
	if err := c.checkInput(name, x.Shape().Dimensions); err != nil {
		panic(err)
	}
}

// unit is one encoder/decoder stage: residual units when NumResUnits > 0 (with that
// many subunits), else two ConvBlocks; kernel KernelSize (default 3); the first conv
// has the stride.
func (c Config) unit(ctx *context.Context, x *graph.Node, out int, strides []int) *graph.Node {
	if c.NumResUnits > 0 {
		return nn.ResidualUnitAxes(ctx, x, out, strides, c.NumResUnits, c.block())
	}
	k := c.block().KernelSize()
	x = nn.ConvBlockAxes(ctx.In("block0"), x, out, k, strides, c.block())
	return nn.ConvBlock(ctx.In("block1"), x, out, k, 1, c.block())
}

func allOnes(v []int) bool {
	for _, x := range v {
		if x != 1 {
			return false
		}
	}
	return true
}

// ones returns the unit strides of c's spatial axes.
func (c Config) ones() []int {
	o := make([]int, c.Dims)
	for i := range o {
		o[i] = 1
	}
	return o
}

// encode runs the encoder and returns the features of every level (the last is the
// bottom).
func (c Config) encode(ctx *context.Context, x *graph.Node) []*graph.Node {
	ch := c.channels()
	ones := make([]int, c.Dims)
	for a := range ones {
		ones[a] = 1
	}
	feats := []*graph.Node{c.unit(ctx.In("enc0"), x, ch[0], ones)}
	for i := 1; i < len(ch); i++ {
		lctx := ctx.Inf("enc%d", i)
		h := feats[i-1]
		stride := c.between(i - 1)
		if c.Down == DownMaxPool && !allOnes(stride) {
			h = nn.MaxPoolAxes(h, stride, stride)
			stride = ones
		}
		feats = append(feats, c.unit(lctx, h, ch[i], stride))
	}
	return feats
}

// upTo brings h to level i, to ch[i] channels: when level i was down-sampled, a
// transposed convolution with kernel = stride (UpKernelSize 0) or kernel UpKernelSize;
// else a 1×1 convolution.
func (c Config) upTo(ctx *context.Context, h *graph.Node, i int) *graph.Node {
	if f := c.between(i); !allOnes(f) {
		if c.UpKernelSize > 0 {
			return nn.UpConvTranspose(ctx, h, c.channels()[i], c.UpKernelSize, f)
		}
		return nn.UpConvAxes(ctx, h, c.channels()[i], f)
	}
	return nn.Conv(ctx, h, c.channels()[i], 1, 1, true)
}

// head is the final 1×1 convolution to OutChannels logits.
// With HeadInit HeadInitEmbedSeg it starts as EmbedSeg's output layer.
func (c Config) head(ctx *context.Context, h *graph.Node) *graph.Node {
	if c.HeadInit == HeadInitEmbedSeg {
		return c.embedSegHead(ctx, h)
	}
	return nn.Conv(ctx, h, c.OutChannels, 1, 1, true)
}
