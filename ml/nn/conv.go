package nn

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

// ChannelsFirstAxes returns the convolution axes for input/output [B, C, S...] and
// kernel [Cout, Cin, K...] with the given number of spatial axes.
func ChannelsFirstAxes(spatial int) graph.ConvolveAxesConfig {
	sp := make([]int, spatial)
	for i := range sp {
		sp[i] = i + 2
	}
	return graph.ConvolveAxesConfig{
		InputBatch: 0, InputChannels: 1, InputSpatial: sp,
		KernelOutputChannels: 0, KernelInputChannels: 1, KernelSpatial: slices.Clone(sp),
		OutputBatch: 0, OutputChannels: 1, OutputSpatial: slices.Clone(sp),
	}
}

// SamePadding returns the paddings that keep the spatial size for stride 1 (and give
// ceil(n/stride) for larger strides): (k-1)/2 before and k/2 after on each axis.
func SamePadding(kernel []int) [][2]int {
	p := make([][2]int, len(kernel))
	for i, k := range kernel {
		p[i] = [2]int{(k - 1) / 2, k / 2}
	}
	return p
}

// ConvND convolves x [B, Cin, S...] with w [Cout, Cin, K...], with the given strides
// and paddings per spatial axis, and adds bias [Cout] when not nil.
//
// GoMLX's input gradient is wrong along kernel axes of even size; ConvND corrects it
// (conv_even.go): with padding before ≥ 1 by a one-voxel shift of the input and its
// gradient, else by embedding the axis in an odd one (a zero appended, one more padding
// at the end). The result is identical either way. 1×1 kernels with stride 1 and no padding become a
// DotGeneral (exact, and faster on the pure-Go backend).
func ConvND(x, w, bias *graph.Node, strides []int, paddings [][2]int) *graph.Node {
	spatial := x.Rank() - 2
	if spatial < 1 || w.Rank() != x.Rank() {
		panicf("ConvND: input %s and kernel %s must both be [B/Cout, C, spatial...]", x.Shape(), w.Shape())
	}
	if w.Shape().Dimensions[1] != x.Shape().Dimensions[1] {
		panicf("ConvND: kernel %s expects %d input channels, input %s has %d",
			w.Shape(), w.Shape().Dimensions[1], x.Shape(), x.Shape().Dimensions[1])
	}
	if strides == nil {
		strides = ones(spatial)
	}
	if paddings == nil {
		paddings = make([][2]int, spatial)
	}
	if len(strides) != spatial || len(paddings) != spatial {
		panicf("ConvND: %d spatial axes but strides %v, paddings %v", spatial, strides, paddings)
	}
	kernel := w.Shape().Dimensions[2:]
	pointwise := true
	for i, k := range kernel {
		if k != 1 || strides[i] != 1 || paddings[i] != [2]int{} {
			pointwise = false
		}
	}
	var y *graph.Node
	if pointwise {
		y = PointwiseConv(x, graph.Reshape(w, w.Shape().Dimensions[0], w.Shape().Dimensions[1]))
	} else {
		paddings = slices.Clone(paddings)
		shifted := evenShiftAxes(kernel, paddings)
		if len(shifted) > 0 {
			x = shiftForEvenKernel(x, shifted, paddings)
		}
		for i, k := range kernel {
			if k%2 == 0 && !slices.Contains(shifted, i) {
				w = appendZero(w, i+2)
				paddings[i][1]++
			}
		}
		y = graph.Convolve(x, w).AxesConfig(ChannelsFirstAxes(spatial)).StridePerAxis(strides...).
			PaddingPerDim(paddings).Done()
	}
	if bias != nil {
		y = graph.Add(y, channelVector(bias, y))
	}
	return y
}

// expandDims returns [1, n, 1, …] with spatial trailing ones, for broadcasting a
// per-channel vector over [B, C, S...].
func expandDims(n, spatial int) []int {
	d := []int{1, n}
	for range spatial {
		d = append(d, 1)
	}
	return d
}

func ones(n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

// appendZero appends one slice of zeros at the end of axis (a Concatenate, whose
// gradient is exact; graph.Pad has none).
func appendZero(x *graph.Node, axis int) *graph.Node {
	dims := append([]int(nil), x.Shape().Dimensions...)
	dims[axis] = 1
	return graph.Concatenate([]*graph.Node{x, graph.Zeros(x.Graph(), shapeOf(x, dims...))}, axis)
}

// PointwiseConv applies a 1×1 convolution: w [Cout, Cin] mixes the channels of x
// [B, Cin, S...] at every voxel, as one DotGeneral.
func PointwiseConv(x, w *graph.Node) *graph.Node {
	if w.Rank() != 2 || w.Shape().Dimensions[1] != x.Shape().Dimensions[1] {
		panicf("PointwiseConv: weights %s do not match input %s", w.Shape(), x.Shape())
	}
	// DotGeneral output: batch axes, then lhs free axes, then rhs free axes.
	// lhs = w [Cout, Cin] contracting 1; rhs = x [B, Cin, S...] contracting 1.
	y := graph.DotGeneral(w, []int{1}, nil, x, []int{1}, nil) // [Cout, B, S...]
	perm := make([]int, y.Rank())
	perm[0], perm[1] = 1, 0
	for i := 2; i < len(perm); i++ {
		perm[i] = i
	}
	return graph.TransposeAllDims(y, perm...)
}

// Conv is a convolution layer with its kernel (and bias) as variables "weights"
// [out, in, k...] and "bias" [out] in ctx's scope. Padding is SamePadding; with stride
// s the output has ceil(n/s) voxels per axis. Weights start He-uniform (bound
// sqrt(6/fan_in)), bias at zero.
func Conv(ctx *context.Context, x *graph.Node, out, kernel, stride int, useBias bool) *graph.Node {
	return ConvAxes(ctx, x, out, kernel, uniform(x.Rank()-2, stride), useBias)
}

// ConvAxes is Conv with one stride per spatial axis (e.g. [1, 2, 2] to keep z).
func ConvAxes(ctx *context.Context, x *graph.Node, out, kernel int, strides []int, useBias bool) *graph.Node {
	spatial := x.Rank() - 2
	if len(strides) != spatial {
		panicf("Conv: %d strides %v for input %s with %d spatial axes", len(strides), strides, x.Shape(), spatial)
	}
	in := x.Shape().Dimensions[1]
	ks := uniform(spatial, kernel)
	wDims := append([]int{out, in}, ks...)
	fanIn := in
	for _, k := range ks {
		fanIn *= k
	}
	w, b := convVars(ctx, x, wDims, fanIn, useBias)
	return ConvND(x, w, b, strides, SamePadding(ks))
}

// InitParam is the context parameter that selects how Conv, ConvAxes and
// ConvPadded initialise their weights below the scope it is set in: InitKaiming
// (the default) or InitNormal.
const InitParam = "im2im_conv_init"

// Weight initialisations selectable with InitParam.
const (
	// InitKaiming draws He-uniform weights (bound sqrt(6/fan_in)).
	InitKaiming = "kaiming"
	// InitNormal draws weights from N(0, 0.02²), the pix2pix/CycleGAN papers'.
	InitNormal = "normal"
)

// convVars creates a convolution's "weights" (shape wDims) and, when useBias,
// its zero "bias" in ctx's scope.
func convVars(ctx *context.Context, x *graph.Node, wDims []int, fanIn int, useBias bool) (w, b *graph.Node) {
	init := initializers.RandomUniformFn(ctx, -math.Sqrt(6/float64(fanIn)), math.Sqrt(6/float64(fanIn)))
	switch kind := context.GetParamOr(ctx, InitParam, InitKaiming); kind {
	case InitKaiming:
	case InitNormal:
		init = initializers.RandomNormalFn(ctx, 0.02)
	default:
		panicf("conv: unknown initialisation %q (want %q or %q)", kind, InitKaiming, InitNormal)
	}
	w = ctx.WithInitializer(init).VariableWithShape("weights", shapeOf(x, wDims...)).ValueGraph(x.Graph())
	if useBias {
		b = ctx.WithInitializer(initializers.Zero).VariableWithShape("bias", shapeOf(x, wDims[0])).ValueGraph(x.Graph())
	}
	return w, b
}

// ConvPadded is a convolution layer with kernel size kernel, stride stride and
// explicit zero padding pad on both sides of every spatial axis (PyTorch's
// Conv(k, s, p): ⌊(n + 2p − k)/s⌋ + 1 outputs per axis), with its variables as
// Conv's.
func ConvPadded(ctx *context.Context, x *graph.Node, out, kernel, stride, pad int, useBias bool) *graph.Node {
	checkSpatial("ConvPadded", x)
	spatial := x.Rank() - 2
	in := x.Shape().Dimensions[1]
	ks := uniform(spatial, kernel)
	fanIn := in
	for _, k := range ks {
		fanIn *= k
	}
	w, b := convVars(ctx, x, append([]int{out, in}, ks...), fanIn, useBias)
	pads := make([][2]int, spatial)
	for i := range pads {
		pads[i] = [2]int{pad, pad}
	}
	return ConvND(x, w, b, uniform(spatial, stride), pads)
}

// uniform returns n copies of v.
func uniform(n, v int) []int {
	out := make([]int, max(n, 0))
	for i := range out {
		out[i] = v
	}
	return out
}

// allOnes reports whether every value is 1.
func allOnes(v []int) bool {
	for _, x := range v {
		if x != 1 {
			return false
		}
	}
	return true
}

// checkSpatial panics with a clear message unless x is [B, C, S...] with 2 or 3 spatial axes.
func checkSpatial(op string, x *graph.Node) {
	if r := x.Rank(); r != 4 && r != 5 {
		panic(fmt.Errorf("%s: input %s must be [batch, channels, y, x] or [batch, channels, z, y, x]", op, x.Shape()))
	}
}
