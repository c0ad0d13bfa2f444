package fast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/images"
)

func newBackend(t *testing.T) backends.Backend {
	t.Helper()
	b, err := New("go:" + DefaultInnerOptions)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

func randTensor(r *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(r.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

func flat(t *tensors.Tensor) []float32 { return tensors.MustCopyFlatData[float32](t) }

func assertClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	var scale float64 = 1
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); !(d <= tol*scale) {
			t.Fatalf("%s: [%d] = %v, want %v (|diff| %.3g, scale %.3g)", what, i, got[i], want[i], d, scale)
		}
	}
}

type convGradCase struct {
	name          string
	x, k          []int // shapes
	channelsFirst bool
	stride        int
	pad           bool
	dilation      int
}

var convGradCases = []convGradCase{
	{name: "2d-cf-same", x: []int{2, 3, 9, 10}, k: []int{4, 3, 3, 3}, channelsFirst: true, stride: 1, pad: true},
	{name: "2d-cl-same", x: []int{2, 9, 10, 3}, k: []int{3, 3, 3, 4}, stride: 1, pad: true},
	{name: "2d-cf-stride2", x: []int{2, 2, 11, 12}, k: []int{3, 2, 3, 3}, channelsFirst: true, stride: 2, pad: true},
	{name: "2d-cf-valid-1x1", x: []int{3, 5, 6, 7}, k: []int{2, 5, 1, 1}, channelsFirst: true, stride: 1},
	{name: "2d-cf-dilated", x: []int{1, 2, 12, 12}, k: []int{2, 2, 3, 3}, channelsFirst: true, stride: 1, pad: true, dilation: 2},
	{name: "3d-cf-same", x: []int{2, 2, 5, 6, 7}, k: []int{3, 2, 3, 3, 3}, channelsFirst: true, stride: 1, pad: true},
	{name: "3d-cl-stride2", x: []int{1, 6, 7, 8, 2}, k: []int{3, 3, 3, 2, 2}, stride: 2, pad: true},
}

// convLoss builds loss = Σ r·tanh(conv(x, k)) and returns the conv output, the loss and
// its gradients with respect to x and k.
func convLoss(tc convGradCase, x, k, r *Node) []*Node {
	c := Convolve(x, k).Strides(tc.stride)
	if tc.channelsFirst {
		c = c.ChannelsAxis(images.ChannelsFirst)
	}
	if tc.pad {
		c = c.PadSame()
	} else {
		c = c.NoPadding()
	}
	if tc.dilation > 1 {
		c = c.Dilations(tc.dilation)
	}
	y := c.Done()
	loss := ReduceAllSum(Mul(r, Tanh(y)))
	g := Gradient(loss, x, k)
	return []*Node{y, loss, g[0], g[1]}
}

// TestConvMatchesInnerBackend compares the native convolution (forward, input gradient,
// kernel gradient) against the inner backend's ConvGeneral on the same graph.
func TestConvMatchesInnerBackend(t *testing.T) {
	b := newBackend(t)
	for _, tc := range convGradCases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(len(tc.name))))
			x, k := randTensor(rng, tc.x...), randTensor(rng, tc.k...)
			// Output shape from a forward run, to size r.
			y := MustExecOnce(b, func(x, k *Node) *Node { return convLoss(tc, x, k, ScalarOne(x.Graph(), x.DType()))[0] }, x, k)
			r := randTensor(rng, y.Shape().Dimensions...)
			fn := func(x, k, r *Node) []*Node { return convLoss(tc, x, k, r) }
			got := MustNewExec(b, fn).MustExec(x, k, r)
			nativeConv = false
			want := MustNewExec(b, fn).MustExec(x, k, r)
			nativeConv = true
			for i, what := range []string{"forward", "loss", "input gradient", "kernel gradient"} {
				if !got[i].Shape().Equal(want[i].Shape()) {
					t.Fatalf("%s: shape %s, want %s", what, got[i].Shape(), want[i].Shape())
				}
				assertClose(t, what, flat(got[i]), flat(want[i]), 1e-4)
			}
		})
	}
}

// TestConvGradientsFiniteDifferences checks the native gradients against central
// differences of the native forward pass at a few coordinates.
func TestConvGradientsFiniteDifferences(t *testing.T) {
	b := newBackend(t)
	for _, tc := range convGradCases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2, uint64(len(tc.name))))
			x, k := randTensor(rng, tc.x...), randTensor(rng, tc.k...)
			y := MustExecOnce(b, func(x, k *Node) *Node { return convLoss(tc, x, k, ScalarOne(x.Graph(), x.DType()))[0] }, x, k)
			r := randTensor(rng, y.Shape().Dimensions...)
			exe := MustNewExec(b, func(x, k, r *Node) []*Node { return convLoss(tc, x, k, r)[1:] })
			res := exe.MustExec(x, k, r)
			grads := [][]float32{flat(res[1]), flat(res[2])}
			params := [][]float32{flat(x), flat(k)}
			dims := [][]int{tc.x, tc.k}
			loss := func(xs, ks []float32) float64 {
				out := exe.MustExec(tensors.FromFlatDataAndDimensions(xs, tc.x...),
					tensors.FromFlatDataAndDimensions(ks, tc.k...), r)
				return float64(out[0].Value().(float32))
			}
			const eps = 1e-2
			for p := 0; p < 2; p++ {
				for trial := 0; trial < 4; trial++ {
					i := rng.IntN(len(params[p]))
					plus := [][]float32{append([]float32(nil), params[0]...), append([]float32(nil), params[1]...)}
					minus := [][]float32{append([]float32(nil), params[0]...), append([]float32(nil), params[1]...)}
					plus[p][i] += eps
					minus[p][i] -= eps
					fd := (loss(plus[0], plus[1]) - loss(minus[0], minus[1])) / (2 * eps)
					g := float64(grads[p][i])
					if math.Abs(fd-g) > 2e-2*math.Max(1, math.Abs(fd)) {
						t.Errorf("param %d (dims %v) [%d]: gradient %.5f, finite difference %.5f", p, dims[p], i, g, fd)
					}
				}
			}
		})
	}
}

func TestReverseNative(t *testing.T) {
	b := newBackend(t)
	x := tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	for _, tc := range []struct {
		axes []int
		want []float32
	}{
		{[]int{1}, []float32{3, 2, 1, 6, 5, 4}},
		{[]int{0}, []float32{4, 5, 6, 1, 2, 3}},
		{[]int{0, 1}, []float32{6, 5, 4, 3, 2, 1}},
	} {
		got := MustExecOnce(b, func(x *Node) *Node { return Reverse(x, tc.axes...) }, x)
		assertClose(t, fmt.Sprint(tc.axes), flat(got), tc.want, 0)
	}
	// Non-float32 Reverse goes to the inner backend, which ("go") lacks it: a clear error.
	_, err := ExecOnce(b, func(x *Node) *Node { return Reverse(x, 0) }, []int32{1, 2, 3})
	if err == nil {
		t.Error("int32 Reverse on simplego succeeded; expected the inner backend's error")
	}
}

// TestSegmentsAndOutputs runs a graph mixing native and inner ops, whose outputs include
// a parameter, the same value twice and an intermediate also used later.
func TestSegmentsAndOutputs(t *testing.T) {
	b := newBackend(t)
	x := tensors.FromFlatDataAndDimensions([]float32{1, -2, 3, -4}, 1, 1, 2, 2)
	exe := MustNewExec(b, func(x *Node) []*Node {
		a := Abs(x)        // inner
		r := Reverse(a, 3) // native
		k := OnesLike(x)
		c := Convolve(r, k).ChannelsAxis(images.ChannelsFirst).NoPadding().Strides(1).Done() // native
		s := Add(c, ReduceAllSum(a))                                                         // inner again
		return []*Node{x, s, s, a}
	})
	for run := 0; run < 2; run++ { // the second run reuses the compiled steps
		out := exe.MustExec(x)
		assertClose(t, "param passthrough", flat(out[0]), []float32{1, -2, 3, -4}, 0)
		assertClose(t, "sum", flat(out[1]), []float32{20}, 0)
		assertClose(t, "duplicate", flat(out[2]), []float32{20}, 0)
		assertClose(t, "abs", flat(out[3]), []float32{1, 2, 3, 4}, 0)
	}
}

func TestDefaultInnerIsSequential(t *testing.T) {
	b, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if want := Name + ":go:" + DefaultInnerOptions; b.String() != want {
		t.Errorf("String() = %q, want %q (no im2im backend registered in this test binary)", b.String(), want)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New("no-such-backend"); err == nil {
		t.Error("unknown inner backend accepted")
	}
	if _, err := New(Name); err == nil {
		t.Error("itself as inner backend accepted")
	}
	b, err := backends.NewWithConfig(Name + ":go")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if b.String() != "im2im-fast:go" { // an explicit inner configuration is kept as given
		t.Errorf("String() = %q", b.String())
	}
}
