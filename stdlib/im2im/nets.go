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
	dims() int
	outChannels() int
	inChannels() int
	features() []int
}

// UNet is a MONAI-like U-Net (ml/nets.UNet). Zero values mean: Dims from the data,
// features 16, 32, 64, 128, strides 2, instance norm, PReLU, strided-conv down-sampling,
// 3×3 kernels, transposed-conv k2 s2 up-sampling, OutChannels 1.
type UNet struct {
	// Dims is 2 or 3 (0: the data's).
	Dims int `yaml:"dims"`
	// InChannels, if > 0, is checked against the data; OutChannels is the number of
	// classes (segmentation) or output channels (regression).
	InChannels  int `yaml:"in_channels"`
	OutChannels int `yaml:"out_channels"`
	// Features per level, top to bottom (at least 2 levels).
	Features []int `yaml:"features"`
	// Strides between levels (1 or 2; len(Features)-1 values).
	Strides []int `yaml:"strides"`
	// AxisStrides, instead of Strides, gives per level one stride (1 or 2) per
	// spatial axis, e.g. [[1, 2, 2], [2, 2, 2]] for anisotropic stacks with few z
	// slices (MONAI DynUNet's strides). [none: Strides]
	AxisStrides [][]int `yaml:"axis_strides"`
	// NumResUnits > 0 uses residual units of that many conv subunits.
	NumResUnits int `yaml:"num_res_units"`
	// Norm is instance, batch, group or none.
	Norm string `yaml:"norm"`
	// Act is prelu, relu, leakyrelu, elu, tanh, sigmoid or none.
	Act string `yaml:"act"`
	// Dropout rate after each activation while training.
	Dropout float64 `yaml:"dropout"`
	// Down is conv (strided convolution) or maxpool.
	Down string `yaml:"down"`
	// KernelSize of the convolutions (odd).
	KernelSize int `yaml:"kernel_size"`
	// UpKernelSize 0 up-samples with ConvTranspose k2 s2; an odd k with kernel k.
	UpKernelSize int `yaml:"up_kernel_size"`
}

// Kind implements Net.
func (UNet) Kind() string { return "unet" }

func (u UNet) build() framework.Net {
	return nets.UNet{Dims: u.Dims, InChannels: u.InChannels, OutChannels: u.OutChannels, Channels: u.Features,
		Strides: u.Strides, AxisStrides: u.AxisStrides, NumResUnits: u.NumResUnits, Norm: u.Norm, Act: u.Act, Dropout: u.Dropout, Down: u.Down,
		KernelSize: u.KernelSize, UpKernelSize: u.UpKernelSize}
}
func (u UNet) dims() int        { return u.Dims }
func (u UNet) outChannels() int { return u.OutChannels }
func (u UNet) inChannels() int  { return u.InChannels }
func (u UNet) features() []int  { return u.Features }

// AttentionUNet is a U-Net whose skip connections pass attention gates
// (ml/nets.AttentionUNet). Fields mean what they mean in UNet.
type AttentionUNet struct {
	Dims         int     `yaml:"dims"`
	InChannels   int     `yaml:"in_channels"`
	OutChannels  int     `yaml:"out_channels"`
	Features     []int   `yaml:"features"`
	Strides      []int   `yaml:"strides"`
	AxisStrides  [][]int `yaml:"axis_strides"`
	NumResUnits  int     `yaml:"num_res_units"`
	Norm         string  `yaml:"norm"`
	Act          string  `yaml:"act"`
	Dropout      float64 `yaml:"dropout"`
	Down         string  `yaml:"down"`
	KernelSize   int     `yaml:"kernel_size"`
	UpKernelSize int     `yaml:"up_kernel_size"`
}

// Kind implements Net.
func (AttentionUNet) Kind() string { return "attention_unet" }

func (u AttentionUNet) build() framework.Net {
	return nets.AttentionUNet{Dims: u.Dims, InChannels: u.InChannels, OutChannels: u.OutChannels, Channels: u.Features,
		Strides: u.Strides, AxisStrides: u.AxisStrides, NumResUnits: u.NumResUnits, Norm: u.Norm, Act: u.Act, Dropout: u.Dropout, Down: u.Down,
		KernelSize: u.KernelSize, UpKernelSize: u.UpKernelSize}
}
func (u AttentionUNet) dims() int        { return u.Dims }
func (u AttentionUNet) outChannels() int { return u.OutChannels }
func (u AttentionUNet) inChannels() int  { return u.InChannels }
func (u AttentionUNet) features() []int  { return u.Features }

// DynUNet is a residual U-Net (ml/nets.DynUNet, MONAI's DynUNet with res_block):
// every stage is a residual unit of NumResUnits conv subunits [2]. Other fields
// mean what they mean in UNet.
type DynUNet struct {
	Dims        int     `yaml:"dims"`
	InChannels  int     `yaml:"in_channels"`
	OutChannels int     `yaml:"out_channels"`
	Features    []int   `yaml:"features"`
	Strides     []int   `yaml:"strides"`
	AxisStrides [][]int `yaml:"axis_strides"`
	// DeepSupervision adds that many auxiliary heads on the decoder levels below
	// the top while training; the loss is the sum over heads weighted 0.5^i
	// (normalised, main head first; MONAI's DeepSupervisionLoss). Prediction and
	// validation use the main head. At most len(Features)-2; no cost map. [0]
	DeepSupervision int     `yaml:"deep_supervision"`
	NumResUnits     int     `yaml:"num_res_units"`
	Norm            string  `yaml:"norm"`
	Act             string  `yaml:"act"`
	Dropout         float64 `yaml:"dropout"`
	Down            string  `yaml:"down"`
	KernelSize      int     `yaml:"kernel_size"`
	UpKernelSize    int     `yaml:"up_kernel_size"`
}

// Kind implements Net.
func (DynUNet) Kind() string { return "dyn_unet" }

func (u DynUNet) build() framework.Net {
	return nets.DynUNet{Dims: u.Dims, InChannels: u.InChannels, OutChannels: u.OutChannels, Channels: u.Features,
		Strides: u.Strides, AxisStrides: u.AxisStrides, NumResUnits: u.NumResUnits, Norm: u.Norm, Act: u.Act, Dropout: u.Dropout, Down: u.Down,
		KernelSize: u.KernelSize, UpKernelSize: u.UpKernelSize, DeepSupervision: u.DeepSupervision}
}
func (u DynUNet) dims() int        { return u.Dims }
func (u DynUNet) outChannels() int { return u.OutChannels }
func (u DynUNet) inChannels() int  { return u.InChannels }
func (u DynUNet) features() []int  { return u.Features }

// withNetDefaults fills a network's zero fields with the values ml/nets uses, so
// that the resolved config states them.
func withNetDefaults(n Net, dims int) Net {
	switch u := n.(type) {
	case UNet:
		u.Dims, u.OutChannels, u.Features = orInt(u.Dims, dims), orInt(u.OutChannels, 1), orInts(u.Features, 16, 32, 64, 128)
		u.Strides, u.Norm, u.Act, u.Down, u.KernelSize = netStrides(u.Strides, u.AxisStrides, u.Features), orString(u.Norm, "instance"), orString(u.Act, "prelu"), orString(u.Down, "conv"), orInt(u.KernelSize, 3)
		return u
	case AttentionUNet:
		u.Dims, u.OutChannels, u.Features = orInt(u.Dims, dims), orInt(u.OutChannels, 1), orInts(u.Features, 16, 32, 64, 128)
		u.Strides, u.Norm, u.Act, u.Down, u.KernelSize = netStrides(u.Strides, u.AxisStrides, u.Features), orString(u.Norm, "instance"), orString(u.Act, "prelu"), orString(u.Down, "conv"), orInt(u.KernelSize, 3)
		return u
	case DynUNet:
		u.Dims, u.OutChannels, u.Features = orInt(u.Dims, dims), orInt(u.OutChannels, 1), orInts(u.Features, 16, 32, 64, 128)
		u.Strides, u.Norm, u.Act, u.Down, u.KernelSize = netStrides(u.Strides, u.AxisStrides, u.Features), orString(u.Norm, "instance"), orString(u.Act, "prelu"), orString(u.Down, "conv"), orInt(u.KernelSize, 3)
		u.NumResUnits = orInt(u.NumResUnits, 2)
		return u
	}
	return n
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

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orFloat(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func orInts(v []int, def ...int) []int {
	if len(v) == 0 {
		return def
	}
	return v
}
