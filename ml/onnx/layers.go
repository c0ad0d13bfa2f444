package onnx

import (
	"slices"

	"github.com/im2im/im2im/ml/nn"
)

// The ONNX forms of ml/nn's layers, one function per layer, reading the variables
// of the scope the layer has in ml/nn.

// repeat returns n copies of v.
func repeat(n, v int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func prod(v []int) int {
	p := 1
	for _, x := range v {
		p *= x
	}
	return p
}

// conv is nn.ConvAxes: kernel k on every axis, the given strides, SamePadding
// ((k−1)/2 before, k/2 after), variables "weights" [out, in, k...] and "bias" [out].
func (b *builder) conv(scope string, x val, out, k int, strides []int, bias bool) val {
	d := len(strides)
	return b.convWith(scope, x, out, repeat(d, k), strides, append(repeat(d, (k-1)/2), repeat(d, k/2)...), nil, bias)
}

// convWith is a convolution of kernel sizes ks with the given strides, pads
// [begin..., end...] and dilations (nil: none), variables "weights" [out, in,
// ks...] and (bias) "bias" [out] in scope.
func (b *builder) convWith(scope string, x val, out int, ks, strides, pads, dilations []int, bias bool) val {
	wd := append([]int{out, x.ch}, ks...)
	in := []string{x.name, b.param(scope, "weights", wd, wd...)}
	if bias {
		in = append(in, b.param(scope, "bias", []int{out}, out))
	}
	attrs := []attribute{intsAttr("kernel_shape", ks), intsAttr("strides", strides), intsAttr("pads", pads)}
	if dilations != nil {
		attrs = append(attrs, intsAttr("dilations", dilations))
	}
	return val{b.node(scope, "Conv", in, attrs...), out}
}

// pad is nn.PadSpatial: p voxels on both sides of every spatial axis, mirrored
// (nn.PadReflect: ONNX's reflect) or repeated (nn.PadReplicate: edge).
func (b *builder) pad(scope string, x val, p, spatial int, mode string) val {
	onnxMode := map[string]string{nn.PadReflect: "reflect", nn.PadReplicate: "edge"}[mode]
	if onnxMode == "" {
		fail("onnx: padding mode %q has no ONNX export", mode)
	}
	side := append([]int64{0, 0}, int64s(repeat(spatial, p))...)
	pads := b.ints64(trim(scope+"/pads"), append(side, side...))
	return val{b.node(scope, "Pad", []string{x.name, pads}, attribute{name: "mode", kind: attrString, s: onnxMode}), x.ch}
}

// channelShape is [C, 1, ...]: a per-channel vector broadcast over [B, C, S...].
func channelShape(c, spatial int) []int { return append([]int{c}, repeat(spatial, 1)...) }

// norm is nn.Norm of the given kind with "gamma", "beta" (and batch norm's running
// statistics) in scope, in inference form.
func (b *builder) norm(scope string, x val, kind string, spatial int) val {
	c := x.ch
	switch kind {
	case nn.NormNone:
		return x
	case "", nn.NormInstance:
		g, be := b.param(scope, "gamma", []int{c}, c), b.param(scope, "beta", []int{c}, c)
		return val{b.node(scope, "InstanceNormalization", []string{x.name, g, be}, floatAttr("epsilon", nn.NormEpsilon)), c}
	case nn.NormBatch:
		return b.batchNorm(scope, x, nn.NormEpsilon)
	case nn.NormGroup:
		// GroupNormalization needs opset 18: reshape to [B, G, rest], instance-normalise
		// the groups, reshape back, then the per-channel affine.
		groups := nn.DefaultGroups(c)
		ones := make([]float32, groups)
		for i := range ones {
			ones[i] = 1
		}
		grouped := b.node(scope, "Reshape", []string{x.name, b.ints64(trim(scope+"/group_shape"), []int64{0, int64(groups), -1})})
		normed := b.node(scope, "InstanceNormalization", []string{grouped,
			b.floats(trim(scope+"/group_ones"), []int{groups}, ones),
			b.floats(trim(scope+"/group_zeros"), []int{groups}, make([]float32, groups))},
			floatAttr("epsilon", nn.NormEpsilon))
		back := b.node(scope, "Reshape", []string{normed, b.node(scope, "Shape", []string{x.name})})
		g := b.param(scope, "gamma", channelShape(c, spatial), c)
		be := b.param(scope, "beta", channelShape(c, spatial), c)
		return val{b.node(scope, "Add", []string{b.node(scope, "Mul", []string{back, g}), be}), c}
	}
	fail("onnx: norm %q has no ONNX export (want one of %v)", kind, nn.NormKinds)
	return val{}
}

// batchNorm is nn.BatchNorm with epsilon eps in inference form (running statistics).
func (b *builder) batchNorm(scope string, x val, eps float32) val {
	c := x.ch
	g, be := b.param(scope, "gamma", []int{c}, c), b.param(scope, "beta", []int{c}, c)
	m, v := b.param(scope, "running_mean", []int{c}, c), b.param(scope, "running_var", []int{c}, c)
	return val{b.node(scope, "BatchNormalization", []string{x.name, g, be, m, v}, floatAttr("epsilon", eps)), c}
}

// act is nn.Act: PReLU reads its scalar "slope" from scope.
func (b *builder) act(scope string, x val, name string) val {
	var y string
	switch name {
	case nn.ActReLU:
		y = b.node(scope, "Relu", []string{x.name})
	case nn.ActLeakyReLU:
		y = b.node(scope, "LeakyRelu", []string{x.name}, floatAttr("alpha", 0.01))
	case nn.ActPReLU:
		y = b.node(scope, "PRelu", []string{x.name, b.param(scope, "slope", []int{1})})
	case nn.ActELU:
		y = b.node(scope, "Elu", []string{x.name}, floatAttr("alpha", 1))
	case nn.ActSigmoid:
		y = b.node(scope, "Sigmoid", []string{x.name})
	case nn.ActTanh:
		y = b.node(scope, "Tanh", []string{x.name})
	case nn.ActNone:
		return x
	default:
		fail("onnx: activation %q has no ONNX export (want one of %v)", name, nn.ActNames)
	}
	return val{y, x.ch}
}

// convBlock is nn.ConvBlockAxes (dropout is the identity at inference).
func (b *builder) convBlock(scope string, x val, out, k int, strides []int, cfg nn.BlockConfig) val {
	act := cfg.Act
	if act == "" {
		act = nn.ActPReLU
	}
	y := b.conv(scope+"/conv", x, out, k, strides, cfg.Norm == nn.NormNone)
	y = b.norm(scope+"/norm", y, cfg.Norm, len(strides))
	return b.act(scope+"/act", y, act)
}

// residualUnit is nn.ResidualUnitAxes.
func (b *builder) residualUnit(scope string, x val, out int, strides []int, subunits int, cfg nn.BlockConfig) val {
	res := x
	strided := prod(strides) != 1
	if strided || x.ch != out {
		k := 1
		if strided {
			k = cfg.KernelSize()
		}
		res = b.conv(scope+"/residual", x, out, k, strides, true)
	}
	y := x
	for i := range max(subunits, 1) {
		s := repeat(len(strides), 1)
		if i == 0 {
			s = strides
		}
		y = b.convBlock(scope+"/unit"+itoa(i), y, out, cfg.KernelSize(), s, cfg)
	}
	return b.add(scope, y, res)
}

func (b *builder) add(scope string, x, y val) val {
	return val{b.node(scope, "Add", []string{x.name, y.name}), x.ch}
}

// maxPool is nn.MaxPoolAxes without padding.
func (b *builder) maxPool(scope string, x val, window, strides []int) val {
	return val{b.node(scope, "MaxPool", []string{x.name}, intsAttr("kernel_shape", window), intsAttr("strides", strides)), x.ch}
}

// concat joins values on the channel axis.
func (b *builder) concat(scope string, xs ...val) val {
	names, ch := make([]string, len(xs)), 0
	for i, x := range xs {
		names[i], ch = x.name, ch+x.ch
	}
	return val{b.node(scope, "Concat", names, intAttr("axis", 1)), ch}
}

// upConv is nn.UpConvAxes (a 1×1 conv to out·Πf channels, then depth-to-space with
// channel c·Πf + o going to offset o) as the ConvTranspose with kernel = stride =
// factors it equals: W[i, c, o...] = weights[c·Πf + o, i].
func (b *builder) upConv(scope string, x val, out int, factors []int) val {
	block := prod(factors)
	w, vdims := b.variable(scope, "weights", out*block, x.ch)
	perm := make([]int, len(w))
	for i := range x.ch {
		for c := range out {
			for o := range block {
				perm[(i*out+c)*block+o] = (c*block+o)*x.ch + i
			}
		}
	}
	wt := b.holding(trim(scope+"/weights"), append([]int{x.ch, out}, factors...), w, b.prefix+scope+"/weights", vdims, perm)
	bias := b.param(scope, "bias", []int{out}, out)
	y := b.node(scope, "ConvTranspose", []string{x.name, wt, bias},
		intsAttr("kernel_shape", factors), intsAttr("strides", factors))
	return val{y, out}
}

// upConvTranspose is nn.UpConvTranspose: kernel k, padding (k−1)/2, output padding
// s−1.
func (b *builder) upConvTranspose(scope string, x val, out, k int, strides []int) val {
	d := len(strides)
	ops := make([]int, d)
	for a, s := range strides {
		ops[a] = s - 1
	}
	return b.convTranspose(scope, x, out, k, strides, repeat(d, (k-1)/2), ops)
}

// convTranspose is nn.ConvTranspose with variables "weights" and "bias" in
// scope: kernel k on every axis, the given strides, paddings and output
// paddings. ml/nn keeps the equivalent forward kernel [out, in, k...]; ONNX's
// is [in, out, k...] with the spatial axes flipped.
func (b *builder) convTranspose(scope string, x val, out, k int, strides, pads, ops []int) val {
	d := len(strides)
	ks := repeat(d, k)
	w, vdims := b.variable(scope, "weights", append([]int{out, x.ch}, ks...)...)
	vol := prod(ks)
	perm := make([]int, len(w))
	idx := make([]int, d)
	for o := range out {
		for i := range x.ch {
			for a := range vol {
				// a is row-major over ks; its flip is k−1−idx on every axis.
				r, flipped := a, 0
				for ax := d - 1; ax >= 0; ax-- {
					idx[ax] = r % k
					r /= k
				}
				for ax := range d {
					flipped = flipped*k + (k - 1 - idx[ax])
				}
				perm[(i*out+o)*vol+flipped] = (o*x.ch+i)*vol + a
			}
		}
	}
	wt := b.holding(trim(scope+"/weights"), append([]int{x.ch, out}, ks...), w, b.prefix+scope+"/weights", vdims, perm)
	bias := b.param(scope, "bias", []int{out}, out)
	y := b.node(scope, "ConvTranspose", []string{x.name, wt, bias}, intsAttr("kernel_shape", ks), intsAttr("strides", strides),
		intsAttr("pads", append(slices.Clone(pads), pads...)), intsAttr("output_padding", ops))
	return val{y, out}
}

// attentionGate is nn.AttentionGate: x · sigmoid(norm(conv(relu(norm(conv(g)) + norm(conv(x)))))).
func (b *builder) attentionGate(scope string, g, x val, inter int, norm string, spatial int) val {
	ones := repeat(spatial, 1)
	g1 := b.norm(scope+"/g_norm", b.conv(scope+"/g_conv", g, inter, 1, ones, true), norm, spatial)
	x1 := b.norm(scope+"/x_norm", b.conv(scope+"/x_conv", x, inter, 1, ones, true), norm, spatial)
	psi := b.act(scope, b.add(scope, g1, x1), nn.ActReLU)
	psi = b.norm(scope+"/psi_norm", b.conv(scope+"/psi_conv", psi, 1, 1, ones, true), norm, spatial)
	psi = b.act(scope, psi, nn.ActSigmoid)
	return val{b.node(scope, "Mul", []string{x.name, psi.name}), x.ch}
}

// trim drops the leading "/" of a root-level name.
func trim(s string) string {
	if len(s) > 0 && s[0] == '/' {
		return s[1:]
	}
	return s
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + itoa(i%10)
}
