package onnx

import (
	"fmt"

	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/nn"
)

// erfnetEps is the epsilon of BranchedERFNet's batch norms (nets' erfnetBNEps).
const erfnetEps = 1e-3

// erfnetExportable is the exporter of nets.BranchedERFNet (erfnet.go,
// erfnet_blocks.go), walked in the order and scopes of its Build: the ERFNet
// encoder, two decoders and their transposed output convolutions, the
// outputs concatenated (offsets, sigmas, seed logit; raw).
func erfnetExportable(n nets.BranchedERFNet) exportable {
	d := n.Dims
	return exportable{valid: n.Validate(), name: "branched_erfnet", dims: d, out: n.OutChannels(), divisors: repeat(d, nets.ERFNetDivisor),
		build: func(b *builder) (val, val) {
			_, first := b.variable("/encoder/down0/conv", "weights", append([]int{-1, -1}, repeat(d, 3)...)...)
			c := first[1]
			if c < 1 || c > 15 || first[0] != 16-c {
				fail("onnx: /encoder/down0/conv/weights has shape %v; BranchedERFNet's first down-sampler needs [16−C, C, 3...] with C in 1..15", first)
			}
			if n.InChannels > 0 && c != n.InChannels {
				fail("onnx: /encoder/down0/conv/weights takes %d input channels, the config's in_channels is %d", c, n.InChannels)
			}
			in := val{InputName, c}
			e := erfnetWalker{b: b, d: d}
			h := e.down("/encoder/down0", in, 16)
			h = e.down("/encoder/down1", h, 64)
			for i := range 5 {
				h = e.block(fmt.Sprintf("/encoder/block%d", i), h, 1)
			}
			h = e.down("/encoder/down2", h, 128)
			for i := range 8 {
				h = e.block(fmt.Sprintf("/encoder/block%d", 5+i), h, 2<<(i%4))
			}
			zeros := repeat(d, 0)
			emb := b.convTranspose("/decoder0/output", e.decode("/decoder0", h), 2*d, 2, repeat(d, 2), zeros, zeros)
			seed := b.convTranspose("/decoder1/output", e.decode("/decoder1", h), 1, 2, repeat(d, 2), zeros, zeros)
			return in, b.concat("/output", emb, seed)
		}}
}

// erfnetWalker builds BranchedERFNet's blocks.
type erfnetWalker struct {
	b *builder
	d int
}

// down is the DownsamplerBlock: a 3×3 stride-2 convolution to out−C channels
// beside a 2× max-pool of the input, batch norm, ReLU.
func (e erfnetWalker) down(scope string, x val, out int) val {
	d := e.d
	conv := e.b.convWith(scope+"/conv", x, out-x.ch, repeat(d, 3), repeat(d, 2), repeat(2*d, 1), nil, true)
	pool := e.b.maxPool(scope, x, repeat(d, 2), repeat(d, 2))
	h := e.b.batchNorm(scope+"/bn", e.b.concat(scope, conv, pool), erfnetEps)
	return e.b.act(scope, h, nn.ActReLU)
}

// up is the UpsamplerBlock: a 3×3 transposed convolution (stride 2, pad 1,
// output pad 1), batch norm, ReLU.
func (e erfnetWalker) up(scope string, x val, out int) val {
	d := e.d
	h := e.b.convTranspose(scope+"/conv", x, out, 3, repeat(d, 2), repeat(d, 1), repeat(d, 1))
	return e.b.act(scope, e.b.batchNorm(scope+"/bn", h, erfnetEps), nn.ActReLU)
}

// half is one factorised half of a non-bottleneck-1d block: a 3-tap
// convolution along each axis (dilated by dil along it), ReLU between, batch norm.
func (e erfnetWalker) half(scope string, x val, dil int) val {
	h := x
	for a := range e.d {
		if a > 0 {
			h = e.b.act(scope, h, nn.ActReLU)
		}
		ks, pads, dils := repeat(e.d, 1), repeat(e.d, 0), repeat(e.d, 1)
		ks[a], pads[a], dils[a] = 3, dil, dil
		h = e.b.convWith(fmt.Sprintf("%s/conv%d", scope, a), h, x.ch, ks, repeat(e.d, 1), append(pads, pads...), dils, true)
	}
	return e.b.batchNorm(scope+"/bn", h, erfnetEps)
}

// block is the non-bottleneck-1d residual block (dropout is the identity at inference).
func (e erfnetWalker) block(scope string, x val, dil int) val {
	h := e.b.act(scope, e.half(scope+"/half0", x, 1), nn.ActReLU)
	h = e.half(scope+"/half1", h, dil)
	return e.b.act(scope, e.b.add(scope, h, x), nn.ActReLU)
}

// decode is one decoder without its output layer.
func (e erfnetWalker) decode(scope string, h val) val {
	h = e.up(scope+"/up0", h, 64)
	h = e.block(scope+"/block0", h, 1)
	h = e.block(scope+"/block1", h, 1)
	h = e.up(scope+"/up1", h, 16)
	h = e.block(scope+"/block2", h, 1)
	return e.block(scope+"/block3", h, 1)
}
