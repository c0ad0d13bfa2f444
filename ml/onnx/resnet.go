package onnx

import (
	"fmt"

	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/nn"
)

// resnetExportable is the exporter of nets.ResNetGenerator (resnet_gen.go),
// walked in the order and scopes of its Build: a border-padded 7×7 stem,
// stride-2 convolutions, residual units, transposed convolutions and a
// border-padded 7×7 output convolution.
func resnetExportable(r nets.ResNetGenerator) exportable {
	valid := r.Validate()
	r = r.Resolved()
	d := r.Dims
	return exportable{valid: valid, name: "resnet", dims: d, out: r.OutChannels, divisors: repeat(d, r.Divisor()),
		build: func(b *builder) (val, val) {
			mode := nn.PadReflect
			if d == 3 {
				mode = nn.PadReplicate
			}
			ones, twos, k7, k3 := repeat(d, 1), repeat(d, 2), repeat(d, 7), repeat(d, 3)
			_, stem := b.variable("/stem", "weights", append([]int{r.NF, -1}, k7...)...)
			if r.InChannels > 0 && stem[1] != r.InChannels {
				fail("onnx: /stem/weights takes %d input channels, the config's in_channels is %d", stem[1], r.InChannels)
			}
			in := val{InputName, stem[1]}
			useBias := r.Norm == nn.NormNone
			normAct := func(scope string, h val) val {
				return b.act(scope, b.norm(scope+"/norm", h, r.Norm, d), nn.ActReLU)
			}
			h := b.convWith("/stem", b.pad("/stem", in, 3, d, mode), r.NF, k7, ones, repeat(2*d, 0), nil, useBias)
			h = normAct("/stem", h)
			ch := r.NF
			for i := range r.NDown {
				ch *= 2
				s := fmt.Sprintf("/down%d", i)
				h = normAct(s, b.convWith(s, h, ch, k3, twos, repeat(2*d, 1), nil, useBias))
			}
			block := nn.BlockConfig{Norm: r.Norm, Act: nn.ActReLU, Dropout: r.Dropout, Kernel: 3}
			for i := range r.NRes {
				h = b.residualUnit(fmt.Sprintf("/res%d", i), h, ch, ones, 2, block)
			}
			for i := range r.NDown {
				ch /= 2
				s := fmt.Sprintf("/up%d", i)
				h = normAct(s, b.upConvTranspose(s, h, ch, 3, twos))
			}
			return in, b.convWith("/out", b.pad("/out", h, 3, d, mode), r.OutChannels, k7, ones, repeat(2*d, 0), nil, true)
		}}
}
