package im2im

import (
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/nets"
)

// ResNetGenerator is the pix2pix/CycleGAN ResNet generator (ml/nets.ResNetGenerator:
// 7×7 stem, NDown stride-2 convolutions, NRes residual units, NDown transposed
// convolutions, 7×7 output; mirrored borders in 2D, replicated in 3D). In YAML:
// kind: resnet. Zero values: Dims from the data, NF 64, NDown 2, NRes 9,
// instance norm, OutChannels 1.
type ResNetGenerator nets.ResNetGenerator

// Kind implements Net.
func (ResNetGenerator) Kind() string { return "resnet" }

func (g ResNetGenerator) build() framework.Net { return nets.ResNetGenerator(g) }

// config gives the settings a U-Net shares with it: dims and channels.
func (g ResNetGenerator) config() nets.Config {
	return nets.Config{Dims: g.Dims, InChannels: g.InChannels, OutChannels: g.OutChannels}
}

func (g ResNetGenerator) withDefaults(dims int) Net {
	g.Dims, g.OutChannels, g.NF = orInt(g.Dims, dims), orInt(g.OutChannels, 1), orInt(g.NF, 64)
	g.NDown, g.NRes, g.Norm = orInt(g.NDown, 2), orInt(g.NRes, 9), orString(g.Norm, "instance")
	return g
}

// AxisDivisors returns, per spatial axis, the factor the input size must be a
// multiple of (2^NDown).
func (g ResNetGenerator) AxisDivisors() []int {
	d := make([]int, g.Dims)
	for i := range d {
		d[i] = nets.ResNetGenerator(g).Divisor()
	}
	return d
}

// PatchGAN is the GAN discriminator (ml/nets.PatchGAN): 4×4 convolutions with
// LeakyReLU 0.2 judging overlapping patches; Scales > 1 makes it pix2pixHD's
// multiscale discriminator. Zero values: NF 64, NLayers 3 (with the original
// stride-1 layer: a 70×70 receptive field), instance norm, one scale.
type PatchGAN nets.PatchGAN

func (d PatchGAN) withDefaults(dims int) PatchGAN {
	d.Dims, d.NF, d.NLayers = orInt(d.Dims, dims), orInt(d.NF, 64), orInt(d.NLayers, 3)
	d.Norm, d.Scales = orString(d.Norm, "instance"), orInt(d.Scales, 1)
	return d
}
