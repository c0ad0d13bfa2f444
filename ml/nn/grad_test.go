package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/gradcheck"
)

func newBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

// project reduces y to a scalar with fixed pseudo-random weights, so every output
// element contributes a distinct gradient.
func project(y *graph.Node) *graph.Node {
	n := y.Shape().Size()
	r := rand.New(rand.NewPCG(42, 7))
	w := make([]float64, n)
	for i := range w {
		w[i] = 2*r.Float64() - 1
	}
	return graph.ReduceAllSum(graph.Mul(y, graph.Reshape(graph.Const(y.Graph(), w), y.Shape().Dimensions...)))
}

type gradCase struct {
	name   string
	inputs []gradcheck.Input
	f      func(x []*graph.Node) *graph.Node
	max    int // MaxElements per input (0 = all)
}

func runGradCases(t *testing.T, cases []gradCase) {
	b := newBackend(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			worst, err := gradcheck.Check(b, func(x []*graph.Node) *graph.Node { return project(tc.f(x)) },
				tc.inputs, gradcheck.Options{MaxElements: tc.max, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range worst {
				t.Logf("%s", m)
			}
		})
	}
}

func in(name string, seed uint64, dims ...int) gradcheck.Input {
	return gradcheck.Random(name, seed, dims...)
}

func TestConvGradients(t *testing.T) {
	conv := func(strides []int, pads [][2]int, bias bool) func(x []*graph.Node) *graph.Node {
		return func(x []*graph.Node) *graph.Node {
			var b *graph.Node
			if bias {
				b = x[2]
			}
			return ConvND(x[0], x[1], b, strides, pads)
		}
	}
	cases := []gradCase{
		{name: "2D k3 same", inputs: []gradcheck.Input{in("x", 1, 1, 2, 6, 6), in("w", 2, 3, 2, 3, 3), in("b", 3, 3)},
			f: conv(nil, SamePadding([]int{3, 3}), true)},
		{name: "2D k3 stride2 same", inputs: []gradcheck.Input{in("x", 1, 2, 1, 7, 6), in("w", 2, 2, 1, 3, 3)},
			f: conv([]int{2, 2}, SamePadding([]int{3, 3}), false)},
		{name: "2D k2 stride2 (even)", inputs: []gradcheck.Input{in("x", 1, 1, 2, 6, 6), in("w", 2, 2, 2, 2, 2)},
			f: conv([]int{2, 2}, nil, false)},
		{name: "2D k4 same (even)", inputs: []gradcheck.Input{in("x", 1, 1, 1, 6, 5), in("w", 2, 2, 1, 4, 4)},
			f: conv(nil, SamePadding([]int{4, 4}), false)},
		{name: "2D k2x3 mixed", inputs: []gradcheck.Input{in("x", 1, 1, 2, 5, 6), in("w", 2, 2, 2, 2, 3)},
			f: conv([]int{1, 2}, [][2]int{{0, 1}, {1, 1}}, false)},
		{name: "2D k5 valid", inputs: []gradcheck.Input{in("x", 1, 1, 1, 8, 8), in("w", 2, 2, 1, 5, 5)},
			f: conv(nil, nil, false)},
		{name: "2D 1x1 pointwise", inputs: []gradcheck.Input{in("x", 1, 2, 3, 4, 4), in("w", 2, 5, 3, 1, 1), in("b", 3, 5)},
			f: conv(nil, nil, true)},
		{name: "3D k3 same", inputs: []gradcheck.Input{in("x", 1, 1, 2, 4, 4, 4), in("w", 2, 2, 2, 3, 3, 3), in("b", 3, 2)},
			f: conv(nil, SamePadding([]int{3, 3, 3}), true), max: 40},
		{name: "3D k3 stride2", inputs: []gradcheck.Input{in("x", 1, 1, 1, 5, 4, 4), in("w", 2, 2, 1, 3, 3, 3)},
			f: conv([]int{2, 2, 2}, SamePadding([]int{3, 3, 3}), false), max: 40},
		{name: "3D k2 stride2 (even)", inputs: []gradcheck.Input{in("x", 1, 1, 2, 4, 4, 4), in("w", 2, 2, 2, 2, 2, 2)},
			f: conv([]int{2, 2, 2}, nil, false), max: 40},
		// Even kernels with padding before (ConvND's shifted input): PatchGAN's k4 s2 p1 on odd
		// and even sizes, its k4 s1 p1 layer, 3D, and one axis shifted beside one embedded.
		{name: "2D k4 stride2 p1 odd size (even, shifted)", inputs: []gradcheck.Input{in("x", 1, 1, 2, 7, 9), in("w", 2, 2, 2, 4, 4), in("b", 3, 2)},
			f: conv([]int{2, 2}, [][2]int{{1, 1}, {1, 1}}, true)},
		{name: "2D k4 stride1 p1 (even, shifted)", inputs: []gradcheck.Input{in("x", 1, 1, 2, 6, 5), in("w", 2, 2, 2, 4, 4)},
			f: conv(nil, [][2]int{{1, 1}, {1, 1}}, false)},
		{name: "2D k4x2 p(2,0)/(0,1) (one axis shifted, one embedded)", inputs: []gradcheck.Input{in("x", 1, 1, 2, 6, 5), in("w", 2, 2, 2, 4, 2)},
			f: conv([]int{2, 1}, [][2]int{{2, 1}, {0, 1}}, false)},
		{name: "3D k4 stride2 p1 (even, shifted)", inputs: []gradcheck.Input{in("x", 1, 1, 1, 5, 4, 6), in("w", 2, 2, 1, 4, 4, 4)},
			f: conv([]int{2, 2, 2}, [][2]int{{1, 1}, {1, 1}, {1, 1}}, false), max: 40},
	}
	runGradCases(t, cases)
}

// TestGoMLXEvenKernelGradientIsWrong documents why ConvND embeds even kernels: GoMLX's
// own input gradient of a k=2 convolution disagrees with finite differences. If this
// test starts failing, GoMLX fixed it and the embedding can go.
func TestGoMLXEvenKernelGradientIsWrong(t *testing.T) {
	b := newBackend(t)
	raw := func(x []*graph.Node) *graph.Node {
		y := graph.Convolve(x[0], x[1]).AxesConfig(ChannelsFirstAxes(2)).Strides(1).NoPadding().Done()
		return project(y)
	}
	_, err := gradcheck.Check(b, raw, []gradcheck.Input{in("x", 1, 1, 1, 5, 5), in("w", 2, 1, 1, 2, 2)}, gradcheck.Options{})
	if err == nil {
		t.Fatal("GoMLX's even-kernel conv gradient now matches finite differences: the workaround in ConvND can be removed")
	}
	t.Logf("as expected: %v", err)
}

// TestGoMLXBilinearGradientIsWrong documents why nn never up-samples with
// graph.Interpolate: its bilinear gradient disagrees with finite differences (for
// 4×4 → 8×8 here; for 3×3 → 6×6 it does not even build). Nearest mode is right on the
// im2im backend, but RepeatUpsample does the same without Gather.
func TestGoMLXBilinearGradientIsWrong(t *testing.T) {
	b := newBackend(t)
	f := func(x []*graph.Node) *graph.Node {
		return project(graph.Interpolate(x[0], 1, 1, 8, 8).Bilinear().Done())
	}
	_, err := gradcheck.Check(b, f, []gradcheck.Input{in("x", 1, 1, 1, 4, 4)}, gradcheck.Options{})
	if err == nil {
		t.Fatal("GoMLX's bilinear Interpolate gradient now matches finite differences: it could be used again")
	}
	t.Logf("as expected: %v", err)
}

func TestLayerGradients(t *testing.T) {
	cases := []gradCase{
		{name: "maxpool 2D k2s2", inputs: []gradcheck.Input{in("x", 1, 2, 2, 6, 6)},
			f: func(x []*graph.Node) *graph.Node { return MaxPool(x[0], 2, 2) }},
		{name: "maxpool 2D k3s2 overlapping", inputs: []gradcheck.Input{in("x", 1, 1, 1, 7, 7)},
			f: func(x []*graph.Node) *graph.Node { return MaxPool(x[0], 3, 2) }},
		{name: "maxpool 3D k2s2", inputs: []gradcheck.Input{in("x", 1, 1, 2, 4, 4, 4)},
			f: func(x []*graph.Node) *graph.Node { return MaxPool(x[0], 2, 2) }},
		{name: "depth to space 2D", inputs: []gradcheck.Input{in("x", 1, 2, 8, 3, 3)},
			f: func(x []*graph.Node) *graph.Node { return DepthToSpace(x[0], 2) }},
		{name: "upsample (convtranspose k2s2) 2D", inputs: []gradcheck.Input{in("x", 1, 1, 3, 3, 4), in("w", 2, 8, 3), in("b", 3, 2)},
			f: func(x []*graph.Node) *graph.Node { return UpSample2(x[0], x[1], x[2]) }},
		{name: "upsample (convtranspose k2s2) 3D", inputs: []gradcheck.Input{in("x", 1, 1, 2, 2, 3, 2), in("w", 2, 16, 2), in("b", 3, 2)},
			f: func(x []*graph.Node) *graph.Node { return UpSample2(x[0], x[1], x[2]) }},
		{name: "instance norm 2D", inputs: []gradcheck.Input{in("x", 1, 2, 3, 4, 4), in("g", 2, 3), in("b", 3, 3)},
			f: func(x []*graph.Node) *graph.Node { return InstanceNorm(x[0], x[1], x[2], 1e-5) }},
		{name: "instance norm 3D", inputs: []gradcheck.Input{in("x", 1, 1, 2, 3, 3, 3), in("g", 2, 2), in("b", 3, 2)},
			f: func(x []*graph.Node) *graph.Node { return InstanceNorm(x[0], x[1], x[2], 1e-5) }},
		{name: "group norm", inputs: []gradcheck.Input{in("x", 1, 2, 4, 3, 3), in("g", 2, 4), in("b", 3, 4)},
			f: func(x []*graph.Node) *graph.Node { return GroupNorm(x[0], 2, x[1], x[2], 1e-5) }},
		{name: "batch norm (train, true gradient)", inputs: []gradcheck.Input{in("x", 1, 3, 2, 3, 3), in("g", 2, 2), in("b", 3, 2)},
			f: func(x []*graph.Node) *graph.Node { y, _, _ := BatchNormTrain(x[0], x[1], x[2], 1e-5); return y }},
		{name: "batch norm (inference)", inputs: []gradcheck.Input{in("x", 1, 2, 2, 3, 3), in("g", 2, 2), in("b", 3, 2)},
			f: func(x []*graph.Node) *graph.Node {
				mean := graph.Const(x[0].Graph(), []float64{0.1, -0.2})
				v := graph.Const(x[0].Graph(), []float64{0.5, 2})
				return BatchNormInfer(x[0], x[1], x[2], mean, v, 1e-5)
			}},
		{name: "strided slice (Pad in its gradient)", inputs: []gradcheck.Input{in("x", 1, 1, 2, 7, 6)},
			f: func(x []*graph.Node) *graph.Node {
				return graph.Slice(x[0], graph.AxisRange(), graph.AxisRange(), graph.AxisRange(1, 6).Stride(2), graph.AxisRange(0, 5).Stride(3))
			}},
		{name: "repeat upsample 3D", inputs: []gradcheck.Input{in("x", 1, 1, 2, 2, 3, 2)},
			f: func(x []*graph.Node) *graph.Node { return RepeatUpsample(x[0], 2) }},
		{name: "anisotropic upsample [1,2,2] 3D", inputs: []gradcheck.Input{in("x", 1, 1, 2, 2, 2, 3), in("w", 2, 12, 2), in("b", 3, 3)},
			f: func(x []*graph.Node) *graph.Node { return UpSample(x[0], x[1], x[2], []int{1, 2, 2}) }},
		{name: "anisotropic maxpool [1,2,2] 3D", inputs: []gradcheck.Input{in("x", 1, 1, 1, 3, 4, 4)},
			f: func(x []*graph.Node) *graph.Node { return MaxPoolAxes(x[0], []int{1, 2, 2}, []int{1, 2, 2}) }},
		{name: "anisotropic repeat [2,1] 2D", inputs: []gradcheck.Input{in("x", 1, 1, 1, 2, 3)},
			f: func(x []*graph.Node) *graph.Node { return RepeatUpsampleAxes(x[0], []int{2, 1}) }},
		{name: "pointwise conv", inputs: []gradcheck.Input{in("x", 1, 2, 3, 2, 3), in("w", 2, 4, 3)},
			f: func(x []*graph.Node) *graph.Node { return PointwiseConv(x[0], x[1]) }},
	}
	for _, act := range []string{ActReLU, ActLeakyReLU, ActELU, ActSigmoid, ActTanh} {
		cases = append(cases, gradCase{name: "activation " + act, inputs: []gradcheck.Input{in("x", 9, 2, 3, 4)},
			f: func(x []*graph.Node) *graph.Node { return Activate(x[0], act) }})
	}
	runGradCases(t, cases)
}

// TestUpSample2IsConvTransposeK2S2 checks UpSample2 against a direct evaluation of
// the transposed convolution with kernel 2, stride 2 (PyTorch's ConvTranspose2d).
func TestUpSample2IsConvTransposeK2S2(t *testing.T) {
	b := newBackend(t)
	const cin, cout, h, w = 2, 3, 2, 3
	x := in("x", 11, 1, cin, h, w).Values
	k := in("k", 12, cin, cout, 2, 2).Values // ConvTranspose2d layout [in, out, kh, kw]
	bias := []float64{0.5, -1, 2}
	// UpSample2 weights [(o·4 + a·2 + c), i]
	wts := make([]float64, cout*4*cin)
	for i := range cin {
		for o := range cout {
			for a := range 2 {
				for c := range 2 {
					wts[(o*4+a*2+c)*cin+i] = k[((i*cout+o)*2+a)*2+c]
				}
			}
		}
	}
	got := graph.MustExecOnce(b, func(xn, wn, bn *graph.Node) *graph.Node { return UpSample2(xn, wn, bn) },
		tensors.FromFlatDataAndDimensions(x, 1, cin, h, w),
		tensors.FromFlatDataAndDimensions(wts, cout*4, cin),
		tensors.FromFlatDataAndDimensions(bias, cout))
	out := tensors.MustCopyFlatData[float64](got)
	if d := got.Shape().Dimensions; d[2] != 2*h || d[3] != 2*w || d[1] != cout {
		t.Fatalf("shape %s", got.Shape())
	}
	for o := range cout {
		for yy := range 2 * h {
			for xx := range 2 * w {
				want := bias[o]
				for i := range cin {
					want += x[(i*h+yy/2)*w+xx/2] * k[((i*cout+o)*2+yy%2)*2+xx%2]
				}
				if g := out[(o*2*h+yy)*2*w+xx]; math.Abs(g-want) > 1e-12 {
					t.Fatalf("out[%d,%d,%d] = %v, want %v", o, yy, xx, g, want)
				}
			}
		}
	}
}
