package im2im

import (
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/nets"
)

// Net is a network declaration: UNet, AttentionUNet or DynUNet. In YAML it is a
// mapping with a `kind` key (unet, attention_unet, dyn_unet) and the fields of
// that network.
type Net interface {
	// Kind is the network's YAML kind.
	Kind() string
	build() framework.Net
	config() nets.Config
	withDefaults(dims int) Net
}

// UNet is a MONAI-like U-Net (ml/nets.UNet; its fields are ml/nets.Config's,
// described once there). Zero values mean: Dims from the data,
// features 16, 32, 64, 128, strides 2, instance norm, PReLU, strided-conv
// down-sampling, 3×3 kernels, transposed-conv k2 s2 up-sampling, OutChannels 1.
type UNet nets.UNet

// AttentionUNet is a U-Net whose skip connections pass attention gates
// (ml/nets.AttentionUNet). Its fields and defaults are UNet's.
type AttentionUNet nets.AttentionUNet

// DynUNet is a residual U-Net (ml/nets.DynUNet, MONAI's DynUNet with res_block):
// every stage is a residual unit of NumResUnits conv subunits [2], with
// DeepSupervision auxiliary heads [0]. Its other fields and defaults are UNet's.
type DynUNet nets.DynUNet

// Kind implements Net.
func (UNet) Kind() string { return "unet" }

// Kind implements Net.
func (AttentionUNet) Kind() string { return "attention_unet" }

// Kind implements Net.
func (DynUNet) Kind() string { return "dyn_unet" }

func (u UNet) build() framework.Net          { return nets.UNet(u) }
func (u AttentionUNet) build() framework.Net { return nets.AttentionUNet(u) }
func (u DynUNet) build() framework.Net       { return nets.DynUNet(u) }

func (u UNet) config() nets.Config          { return nets.Config(u) }
func (u AttentionUNet) config() nets.Config { return nets.Config(u) }
func (u DynUNet) config() nets.Config       { return nets.Config(u) }

func (u UNet) withDefaults(dims int) Net { return UNet(netDefaults(nets.Config(u), dims)) }
func (u AttentionUNet) withDefaults(dims int) Net {
	return AttentionUNet(netDefaults(nets.Config(u), dims))
}
func (u DynUNet) withDefaults(dims int) Net {
	c := netDefaults(nets.Config(u), dims)
	c.NumResUnits = orInt(c.NumResUnits, 2)
	return DynUNet(c)
}

// netDefaults fills a network's zero fields with the values ml/nets uses, so
// that the resolved config states them.
func netDefaults(u nets.Config, dims int) nets.Config {
	u.Dims, u.OutChannels, u.Features = orInt(u.Dims, dims), orInt(u.OutChannels, 1), orInts(u.Features, nets.DefaultFeatures...)
	u.Strides, u.Norm, u.Act, u.Down, u.KernelSize = netStrides(u.Strides, u.AxisStrides, u.Features), orString(u.Norm, "instance"), orString(u.Act, "prelu"), orString(u.Down, "conv"), orInt(u.KernelSize, 3)
	return u
}

// netStrides returns s, or stride 2 between each pair of levels unless per-axis
// strides are given.
func netStrides(s []int, axis [][]int, features []int) []int {
	if len(s) > 0 || len(axis) > 0 || len(features) < 2 {
		return s
	}
	out := make([]int, len(features)-1)
	for i := range out {
		out[i] = 2
	}
	return out
}
