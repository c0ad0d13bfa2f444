package nets

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/nn"
)

// PatchGAN is the pix2pix discriminator: 4×4 convolutions with LeakyReLU 0.2
// that classify overlapping patches of an image as real or fake. Layer 1 is a
// stride-2 convolution to NF channels without norm; layers 2..NLayers are
// stride-2 convolutions to NF·min(2^n, 8) channels with Norm; the original
// layout (Isola et al.) then has a stride-1 convolution to NF·min(2^NLayers, 8)
// channels with Norm (the 70×70 receptive field of NLayers 3), which mmv_im2im
// omits (MMVLayout); the last layer is a stride-1 convolution to one channel of
// raw logits. All convolutions pad 1 and have a bias.
//
// With Scales > 1 it is the multiscale discriminator (pix2pixHD): Scales
// independent PatchGANs, scale i seeing the input average-pooled i times (3×3,
// stride 2, padding excluded from the averages). Zero values mean the defaults
// in brackets.
type PatchGAN struct {
	// Dims is 2 or 3 (0: the data's, filled in by the caller).
	Dims int `yaml:"dims"`
	// NF is the first layer's channel count. [64]
	NF int `yaml:"nf"`
	// NLayers is the number of stride-2 layers. [3]
	NLayers int `yaml:"n_layers"`
	// Norm is instance, batch, group or none. [instance]
	Norm string `yaml:"norm"`
	// Scales is the number of discriminators, each on a 2× coarser copy. [1]
	Scales int `yaml:"scales"`
	// MMVLayout leaves out the original stride-1 layer before the output (mmv_im2im's
	// predefined_basic), for configs written for it. [false]
	MMVLayout bool `yaml:"mmv_layout"`
}

func (d PatchGAN) withDefaults() PatchGAN {
	if d.NF == 0 {
		d.NF = 64
	}
	if d.NLayers == 0 {
		d.NLayers = 3
	}
	if d.Norm == "" {
		d.Norm = nn.NormInstance
	}
	if d.Scales == 0 {
		d.Scales = 1
	}
	return d
}

// Validate returns every configuration problem at once (each a *FieldError).
func (d PatchGAN) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Net: "patchgan", Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if d.Dims != 2 && d.Dims != 3 {
		add("dims", "want 2 or 3, got %d", d.Dims)
	}
	if d.NF < 0 {
		add("nf", "must be ≥ 1, got %d", d.NF)
	}
	if d.NLayers < 0 || d.NLayers > 6 {
		add("n_layers", "want 1..6, got %d", d.NLayers)
	}
	if d.Norm != "" && !slices.Contains(nn.NormKinds, d.Norm) {
		add("norm", "want one of %v, got %q", nn.NormKinds, d.Norm)
	}
	if d.Scales < 0 || d.Scales > 4 {
		add("scales", "want 1..4, got %d", d.Scales)
	}
	return errors.Join(errs...)
}

// OutputSize returns the logit map's size along an axis of n voxels at scale 0
// (0 when the input is too small).
func (d PatchGAN) OutputSize(n int) int {
	d = d.withDefaults()
	for range d.NLayers {
		n = (n-2)/2 + 1 // 4×4, stride 2, pad 1
	}
	if !d.MMVLayout {
		n-- // 4×4, stride 1, pad 1
	}
	n--
	return max(n, 0)
}

// CheckInput reports whether an input of dims [batch, channels, spatial...]
// leaves every scale a logit map of at least one voxel per axis.
func (d PatchGAN) CheckInput(dims []int) error {
	d = d.withDefaults()
	if len(dims) != d.Dims+2 {
		return fmt.Errorf("patchgan: input dims %v: want [batch, channels, %d spatial axes]", dims, d.Dims)
	}
	for i, n := range dims[2:] {
		s := n
		for scale := range d.Scales {
			if scale > 0 {
				s = (s-1)/2 + 1 // 3×3 average pooling, stride 2, pad 1
			}
			if d.OutputSize(s) < 1 {
				return fmt.Errorf("patchgan: spatial size %d (axis %d of %v) is too small for %d stride-2 layers at scale %d (%d voxels there); use a larger patch or fewer n_layers/scales",
					n, i+2, dims, d.NLayers, scale, s)
			}
		}
	}
	return nil
}

// Features adds the discriminator to x's graph and returns, per scale, every
// layer's output (after its norm and activation), the last being the raw
// logits [B, 1, ...]: the GAN loss uses the logits, feature matching the rest.
func (d PatchGAN) Features(ctx *context.Context, x *graph.Node) [][]*graph.Node {
	d = d.withDefaults()
	if err := d.Validate(); err != nil {
		panic(err)
	}
	if err := d.CheckInput(x.Shape().Dimensions); err != nil {
		panic(err)
	}
	var out [][]*graph.Node
	for s := range d.Scales {
		if s > 0 {
			x = nn.AvgPool(x, 3, 2, 1)
		}
		out = append(out, d.layers(ctx.Inf("scale%d", s), x))
	}
	return out
}

// layers is one PatchGAN.
func (d PatchGAN) layers(ctx *context.Context, h *graph.Node) []*graph.Node {
	var feats []*graph.Node
	layer := func(name string, out, stride int, norm bool) {
		lctx := ctx.In(name)
		h = nn.ConvPadded(lctx, h, out, 4, stride, 1, true)
		if norm {
			h = nn.Norm(lctx.In("norm"), h, d.Norm)
		}
		h = nn.LeakyReLU(h, 0.2)
		feats = append(feats, h)
	}
	layer("layer0", d.NF, 2, false)
	for n := 1; n < d.NLayers; n++ {
		layer(fmt.Sprintf("layer%d", n), d.NF*min(1<<n, 8), 2, true)
	}
	if !d.MMVLayout {
		layer(fmt.Sprintf("layer%d", d.NLayers), d.NF*min(1<<d.NLayers, 8), 1, true)
	}
	logits := nn.ConvPadded(ctx.In("logits"), h, 1, 4, 1, 1, true)
	return append(feats, logits)
}
