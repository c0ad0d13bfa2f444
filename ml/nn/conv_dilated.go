package nn

import (
	"slices"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// ConvDilated is ConvND with kernel dilation: dilations[a] ≥ 1 per spatial axis
// inserts dilations[a]−1 gaps between the kernel taps along it (an effective kernel
// of (k−1)·d+1 voxels; PyTorch's dilation). With every dilation 1 it is ConvND.
// GoMLX cannot combine strides with dilation, so strides must then all be 1 (nil
// means 1), and every kernel size must be odd (ConvND's even-kernel correction
// does not cover dilation). paddings are per axis (before, after), as ConvND's.
func ConvDilated(x, w, bias *graph.Node, strides []int, paddings [][2]int, dilations []int) *graph.Node {
	spatial := x.Rank() - 2
	if dilations == nil || allOnes(dilations) {
		return ConvND(x, w, bias, strides, paddings)
	}
	if spatial < 1 || w.Rank() != x.Rank() || len(dilations) != spatial {
		panicf("ConvDilated: input %s, kernel %s and dilations %v do not match", x.Shape(), w.Shape(), dilations)
	}
	if w.Shape().Dimensions[1] != x.Shape().Dimensions[1] {
		panicf("ConvDilated: kernel %s expects %d input channels, input %s has %d",
			w.Shape(), w.Shape().Dimensions[1], x.Shape(), x.Shape().Dimensions[1])
	}
	if strides != nil && !allOnes(strides) {
		panicf("ConvDilated: strides %v cannot be combined with dilations %v", strides, dilations)
	}
	if paddings == nil {
		paddings = make([][2]int, spatial)
	}
	if len(paddings) != spatial {
		panicf("ConvDilated: %d spatial axes but paddings %v", spatial, paddings)
	}
	for a, k := range w.Shape().Dimensions[2:] {
		if k%2 == 0 {
			panicf("ConvDilated: kernel %s has an even size %d on spatial axis %d; dilated kernels must be odd", w.Shape(), k, a)
		}
		if dilations[a] < 1 {
			panicf("ConvDilated: dilation %d on spatial axis %d must be ≥ 1", dilations[a], a)
		}
	}
	w, paddings = dropPaddingTaps(x, w, paddings, dilations)
	y := graph.Convolve(x, w).AxesConfig(ChannelsFirstAxes(spatial)).DilationPerAxis(dilations...).
		PaddingPerDim(paddings).Done()
	if bias != nil {
		y = graph.Add(y, channelVector(bias, y))
	}
	return y
}

// ConvSpec is the geometry of a ConvLayer, one value per spatial axis (PyTorch's
// tuple arguments): Kernel sizes (required), Strides (nil: 1), Pads added on both
// sides (nil: 0) and Dilations (nil: 1). Out is the number of output channels; Bias
// adds a learned bias.
type ConvSpec struct {
	Out       int
	Kernel    []int
	Strides   []int
	Pads      []int
	Dilations []int
	Bias      bool
}

// ConvLayer is a convolution layer of any per-axis geometry (asymmetric kernels such
// as 3×1 or 1×1×3, explicit padding, dilation): variables "weights" [Out, Cin,
// Kernel...] and "bias" [Out] in ctx's scope, initialised as Conv's (InitParam).
// Each axis has ⌊(n + 2p − d·(k−1) − 1)/s⌋ + 1 outputs, as in PyTorch.
func ConvLayer(ctx *context.Context, x *graph.Node, spec ConvSpec) *graph.Node {
	checkSpatial("ConvLayer", x)
	spatial := x.Rank() - 2
	orOnes := func(v []int) []int {
		if v == nil {
			return ones(spatial)
		}
		return v
	}
	strides, dil := orOnes(spec.Strides), orOnes(spec.Dilations)
	pads := spec.Pads
	if pads == nil {
		pads = make([]int, spatial)
	}
	if spec.Out < 1 || len(spec.Kernel) != spatial || len(strides) != spatial || len(pads) != spatial || len(dil) != spatial {
		panicf("ConvLayer: input %s (%d spatial axes) does not match out %d, kernel %v, strides %v, pads %v, dilations %v",
			x.Shape(), spatial, spec.Out, spec.Kernel, strides, pads, dil)
	}
	in := x.Shape().Dimensions[1]
	fanIn := in
	for _, k := range spec.Kernel {
		fanIn *= k
	}
	w, b := convVars(ctx, x, append([]int{spec.Out, in}, spec.Kernel...), fanIn, spec.Bias)
	paddings := make([][2]int, spatial)
	for a, p := range pads {
		paddings[a] = [2]int{p, p}
	}
	return ConvDilated(x, w, b, strides, paddings, dil)
}

// dropPaddingTaps removes the kernel taps of a stride-1 convolution that read only
// padding for every output (a dilation as large as the image: dilation 16 on a 16-voxel
// axis leaves only the centre tap of a 3-tap kernel), shrinking the padding so that the
// output keeps its size. The result is exact: those taps multiply zeros only, so their
// gradient is zero either way. It returns w and paddings unchanged when nothing can go.
func dropPaddingTaps(x, w *graph.Node, paddings [][2]int, dilations []int) (*graph.Node, [][2]int) {
	in, k := x.Shape().Dimensions[2:], w.Shape().Dimensions[2:]
	out := slices.Clone(paddings)
	starts, ends := make([]int, w.Rank()), slices.Clone(w.Shape().Dimensions)
	changed := false
	for a := range in {
		n, d, lo, hi := in[a], dilations[a], paddings[a][0], paddings[a][1]
		o := n + lo + hi - d*(k[a]-1) // outputs on this axis
		// Tap t reads input o' − lo + t·d for outputs o' in [0, o): useful when that
		// range meets [0, n).
		t0, t1 := 0, k[a]-1
		for t0 <= t1 && t0*d-lo+o-1 < 0 {
			t0++
		}
		for t1 >= t0 && t1*d-lo > n-1 {
			t1--
		}
		if t0 > t1 || (t0 == 0 && t1 == k[a]-1) {
			continue
		}
		newLo := lo - t0*d
		newHi := o - n - newLo + d*(t1-t0)
		if newLo < 0 || newHi < 0 {
			continue
		}
		starts[a+2], ends[a+2] = t0, t1+1
		out[a] = [2]int{newLo, newHi}
		changed = true
	}
	if !changed {
		return w, paddings
	}
	specs := make([]graph.SliceAxisSpec, w.Rank())
	for i := range specs {
		specs[i] = graph.AxisRange(starts[i], ends[i])
	}
	return graph.Slice(w, specs...), out
}
