package onnx

import (
	"fmt"

	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/nn"
)

// The U-Nets of ml/nets (unet.go, attention_unet.go, dynunet.go and the shared
// Config methods of net.go), walked in the order and scopes of their Build.

// unetKind says which of ml/nets' U-Nets a config is built as.
type unetKind int

const (
	kindUNet unetKind = iota
	kindAttention
	kindDyn
)

// walker holds a resolved config (defaults filled as ml/nets fills them).
type walker struct {
	b    *builder
	c    nets.Config
	kind unetKind
}

func (u *walker) features() []int {
	if len(u.c.Features) == 0 {
		return nets.DefaultFeatures
	}
	return u.c.Features
}

// between returns the per-axis strides between level i and i+1 (Config.between).
func (u *walker) between(i int) []int {
	if len(u.c.AxisStrides) > 0 {
		return u.c.AxisStrides[i]
	}
	s := 2
	if len(u.c.Strides) > 0 {
		s = u.c.Strides[i]
	}
	return repeat(u.c.Dims, s)
}

func (u *walker) block() nn.BlockConfig {
	return nn.BlockConfig{Norm: u.c.Norm, Act: u.c.Act, Dropout: u.c.Dropout, Kernel: u.c.KernelSize}
}

// unit is Config.unit.
func (u *walker) unit(scope string, x val, out int, strides []int) val {
	if u.c.NumResUnits > 0 {
		return u.b.residualUnit(scope, x, out, strides, u.c.NumResUnits, u.block())
	}
	k := u.block().KernelSize()
	x = u.b.convBlock(scope+"/block0", x, out, k, strides, u.block())
	return u.b.convBlock(scope+"/block1", x, out, k, repeat(u.c.Dims, 1), u.block())
}

// encode is Config.encode.
func (u *walker) encode(x val) []val {
	ch := u.features()
	ones := repeat(u.c.Dims, 1)
	feats := []val{u.unit("/enc0", x, ch[0], ones)}
	for i := 1; i < len(ch); i++ {
		scope := fmt.Sprintf("/enc%d", i)
		h := feats[i-1]
		stride := u.between(i - 1)
		if u.c.Down == nets.DownMaxPool && prod(stride) != 1 {
			h = u.b.maxPool(scope, h, stride, stride)
			stride = ones
		}
		feats = append(feats, u.unit(scope, h, ch[i], stride))
	}
	return feats
}

// upTo is Config.upTo.
func (u *walker) upTo(scope string, h val, i int) val {
	if f := u.between(i); prod(f) != 1 {
		if u.c.UpKernelSize > 0 {
			return u.b.upConvTranspose(scope, h, u.features()[i], u.c.UpKernelSize, f)
		}
		return u.b.upConv(scope, h, u.features()[i], f)
	}
	return u.b.conv(scope, h, u.features()[i], 1, repeat(u.c.Dims, 1), true)
}

// build is the Build of the walker's kind, in inference form (DynUNet: main head only).
func (u *walker) build(x val) val {
	gateNorm := nn.NormBatch
	if u.c.Norm == nn.NormNone {
		gateNorm = nn.NormNone
	}
	feats := u.encode(x)
	h := feats[len(feats)-1]
	for i := len(feats) - 2; i >= 0; i-- {
		scope := fmt.Sprintf("/dec%d", i)
		ch := u.features()[i]
		up := u.upTo(scope+"/up", h, i)
		skip := feats[i]
		if u.kind == kindAttention {
			skip = u.b.attentionGate(scope+"/gate", up, skip, max(ch/2, 1), gateNorm, u.c.Dims)
		}
		h = u.unit(scope, u.b.concat(scope, up, skip), ch, repeat(u.c.Dims, 1))
	}
	return u.b.conv("/head", h, u.c.OutChannels, 1, repeat(u.c.Dims, 1), true)
}

// inChannels reads the input channel count from the first convolution's weights.
func (u *walker) inChannels() int {
	scope := "/enc0/block0/conv"
	if u.c.NumResUnits > 0 {
		scope = "/enc0/unit0/conv"
	}
	k := u.block().KernelSize()
	_, dims := u.b.variable(scope, "weights", append([]int{u.features()[0], -1}, repeat(u.c.Dims, k)...)...)
	if u.c.InChannels > 0 && dims[1] != u.c.InChannels {
		fail("onnx: %s/weights takes %d input channels, the config's in_channels is %d", scope, dims[1], u.c.InChannels)
	}
	return dims[1]
}
