package nn

import (
	"fmt"
	"math"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/backend/fast"
	"github.com/im2im/im2im/ml/gradcheck"
)

// dilatedCase is one dilated convolution: input [1, cin, in...], kernel [cout, cin,
// k...], symmetric padding pad and dilation dil per spatial axis.
type dilatedCase struct {
	name          string
	cin, cout     int
	in, k, pad, d []int
}

var dilatedCases = []dilatedCase{
	{name: "2D 3x1 d(2,1)", cin: 2, cout: 3, in: []int{7, 5}, k: []int{3, 1}, pad: []int{2, 0}, d: []int{2, 1}},
	{name: "2D 1x3 d(1,4)", cin: 2, cout: 2, in: []int{5, 9}, k: []int{1, 3}, pad: []int{0, 4}, d: []int{1, 4}},
	{name: "2D 3x3 d2 valid", cin: 1, cout: 2, in: []int{8, 7}, k: []int{3, 3}, pad: []int{0, 1}, d: []int{2, 3}},
	{name: "3D 3x1x1 d(2,1,1)", cin: 2, cout: 2, in: []int{6, 3, 4}, k: []int{3, 1, 1}, pad: []int{2, 0, 0}, d: []int{2, 1, 1}},
	{name: "3D 1x1x3 d(1,1,8) pad 8", cin: 1, cout: 2, in: []int{2, 3, 10}, k: []int{1, 1, 3}, pad: []int{0, 0, 8}, d: []int{1, 1, 8}},
	// Taps that read only padding (dropped by dropPaddingTaps).
	{name: "2D 1x3 d(1,16) pad 16 on 16 columns", cin: 2, cout: 2, in: []int{3, 16}, k: []int{1, 3}, pad: []int{0, 16}, d: []int{1, 16}},
	{name: "2D 3x3 d(6,2) pad (6,2) on 5 rows", cin: 2, cout: 3, in: []int{5, 7}, k: []int{3, 3}, pad: []int{6, 2}, d: []int{6, 2}},
	{name: "3D 3x1x3 d(4,1,5) pad (4,0,5) on 4x2x5", cin: 1, cout: 2, in: []int{4, 2, 5}, k: []int{3, 1, 3}, pad: []int{4, 0, 5}, d: []int{4, 1, 5}},
	{name: "2D 5x1 d(3,1) pad (6,0) on 4 rows", cin: 1, cout: 2, in: []int{4, 3}, k: []int{5, 1}, pad: []int{6, 0}, d: []int{3, 1}},
}

// TestDropPaddingTaps checks which taps go: only those that read padding for every
// output, with paddings that keep the output size.
func TestDropPaddingTaps(t *testing.T) {
	cases := []struct {
		in, k, d []int
		pads     [][2]int
		wantK    []int
		wantPads [][2]int
	}{
		{[]int{16, 16}, []int{1, 3}, []int{1, 16}, [][2]int{{0, 0}, {16, 16}}, []int{1, 1}, [][2]int{{0, 0}, {0, 0}}},
		{[]int{16, 16}, []int{3, 1}, []int{8, 1}, [][2]int{{8, 8}, {0, 0}}, []int{3, 1}, [][2]int{{8, 8}, {0, 0}}},
		{[]int{4, 3}, []int{5, 1}, []int{3, 1}, [][2]int{{6, 6}, {0, 0}}, []int{3, 1}, [][2]int{{3, 3}, {0, 0}}},
		{[]int{8, 8}, []int{3, 3}, []int{2, 2}, [][2]int{{2, 2}, {2, 2}}, []int{3, 3}, [][2]int{{2, 2}, {2, 2}}},
	}
	for _, tc := range cases {
		g := graph.NewGraph(newBackend(t), "drop")
		x := graph.Parameter(g, "x", shapes.Make(dtypes.Float32, append([]int{1, 2}, tc.in...)...))
		w := graph.Parameter(g, "w", shapes.Make(dtypes.Float32, append([]int{3, 2}, tc.k...)...))
		w2, pads := dropPaddingTaps(x, w, tc.pads, tc.d)
		if got := w2.Shape().Dimensions[2:]; fmt.Sprint(got) != fmt.Sprint(tc.wantK) || fmt.Sprint(pads) != fmt.Sprint(tc.wantPads) {
			t.Errorf("in %v k %v d %v pads %v: kernel %v pads %v, want %v %v", tc.in, tc.k, tc.d, tc.pads, got, pads, tc.wantK, tc.wantPads)
		}
	}
}

// refDilated evaluates the dilated convolution by its definition, in float64.
func refDilated(tc dilatedCase, x, w []float64) (out []float64, dims []int) {
	nd := len(tc.in)
	od := make([]int, nd)
	for a := range nd {
		od[a] = tc.in[a] + 2*tc.pad[a] - tc.d[a]*(tc.k[a]-1)
	}
	n, kn := prod(od), prod(tc.k)
	in := prod(tc.in)
	out = make([]float64, tc.cout*n)
	idx := make([]int, nd)
	kidx := make([]int, nd)
	for o := range tc.cout {
		for p := range n {
			unravel(p, od, idx)
			s := 0.0
			for c := range tc.cin {
				for q := range kn {
					unravel(q, tc.k, kidx)
					flat, ok := 0, true
					for a := range nd {
						pos := idx[a] + kidx[a]*tc.d[a] - tc.pad[a]
						if pos < 0 || pos >= tc.in[a] {
							ok = false
							break
						}
						flat = flat*tc.in[a] + pos
					}
					if ok {
						s += x[c*in+flat] * w[(o*tc.cin+c)*kn+q]
					}
				}
			}
			out[o*n+p] = s
		}
	}
	return out, append([]int{1, tc.cout}, od...)
}

func prod(v []int) int {
	p := 1
	for _, x := range v {
		p *= x
	}
	return p
}

func unravel(i int, dims, idx []int) {
	for a := len(dims) - 1; a >= 0; a-- {
		idx[a] = i % dims[a]
		i /= dims[a]
	}
}

func (tc dilatedCase) apply(x, w *graph.Node) *graph.Node {
	pads := make([][2]int, len(tc.pad))
	for a, p := range tc.pad {
		pads[a] = [2]int{p, p}
	}
	return ConvDilated(x, w, nil, nil, pads, tc.d)
}

func toF32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// TestConvDilatedMatchesDefinition runs each case in float32 on the im2im and the
// im2im-fast backends against a direct loop.
func TestConvDilatedMatchesDefinition(t *testing.T) {
	bes := map[string]backends.Backend{"im2im": newBackend(t)}
	fb, err := backends.NewWithConfig(fast.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fb.Finalize)
	bes[fast.Name] = fb
	for _, tc := range dilatedCases {
		x := in("x", 1, append([]int{1, tc.cin}, tc.in...)...)
		w := in("w", 2, append([]int{tc.cout, tc.cin}, tc.k...)...)
		want, dims := refDilated(tc, x.Values, w.Values)
		for name, b := range bes {
			t.Run(fmt.Sprintf("%s/%s", tc.name, name), func(t *testing.T) {
				got := graph.MustExecOnce(b, tc.apply, tensors.FromFlatDataAndDimensions(toF32(x.Values), x.Dims...),
					tensors.FromFlatDataAndDimensions(toF32(w.Values), w.Dims...))
				if fmt.Sprint(got.Shape().Dimensions) != fmt.Sprint(dims) {
					t.Fatalf("shape %v, want %v", got.Shape().Dimensions, dims)
				}
				for i, v := range tensors.MustCopyFlatData[float32](got) {
					if math.Abs(float64(v)-want[i]) > 1e-4*(1+math.Abs(want[i])) {
						t.Fatalf("value %d = %v, want %v", i, v, want[i])
					}
				}
			})
		}
	}
}

// TestConvDilatedGradients checks the gradients by finite differences (float64, im2im
// backend), then the im2im-fast backend's float32 gradients against those.
func TestConvDilatedGradients(t *testing.T) {
	b := newBackend(t)
	fb, err := backends.NewWithConfig(fast.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fb.Finalize)
	for _, tc := range dilatedCases {
		t.Run(tc.name, func(t *testing.T) {
			x := in("x", 1, append([]int{1, tc.cin}, tc.in...)...)
			w := in("w", 2, append([]int{tc.cout, tc.cin}, tc.k...)...)
			f := func(v []*graph.Node) *graph.Node {
				return project(graph.ConvertDType(tc.apply(v[0], v[1]), dtypes.Float64))
			}
			if _, err := gradcheck.Check(b, f, []gradcheck.Input{x, w}, gradcheck.Options{MaxElements: 40, Seed: 3}); err != nil {
				t.Fatal(err)
			}
			grads := func(xn, wn *graph.Node) []*graph.Node {
				return graph.Gradient(f([]*graph.Node{xn, wn}), xn, wn)
			}
			want := graph.MustExecOnceN(b, grads, tensors.FromFlatDataAndDimensions(x.Values, x.Dims...),
				tensors.FromFlatDataAndDimensions(w.Values, w.Dims...))
			got := graph.MustExecOnceN(fb, grads, tensors.FromFlatDataAndDimensions(toF32(x.Values), x.Dims...),
				tensors.FromFlatDataAndDimensions(toF32(w.Values), w.Dims...))
			for i := range want {
				wv, gv := tensors.MustCopyFlatData[float64](want[i]), tensors.MustCopyFlatData[float32](got[i])
				for j := range wv {
					if math.Abs(float64(gv[j])-wv[j]) > 1e-4*(1+math.Abs(wv[j])) {
						t.Fatalf("fast gradient %d[%d] = %v, want %v", i, j, gv[j], wv[j])
					}
				}
			}
		})
	}
}

// TestConvLayerShapes checks the output sizes of ConvLayer and ConvTransposeLayer
// against PyTorch's formulas.
func TestConvLayerShapes(t *testing.T) {
	b := newBackend(t)
	cases := []struct {
		name string
		in   []int
		f    func(ctx *context.Context, x *graph.Node) *graph.Node
		want []int
	}{
		{"3x1 pad (1,0)", []int{1, 2, 8, 6}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return ConvLayer(ctx, x, ConvSpec{Out: 3, Kernel: []int{3, 1}, Pads: []int{1, 0}, Bias: true})
		}, []int{1, 3, 8, 6}},
		{"1x3 dilation 4 pad 4", []int{1, 2, 8, 6}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return ConvLayer(ctx, x, ConvSpec{Out: 2, Kernel: []int{1, 3}, Pads: []int{0, 4}, Dilations: []int{1, 4}})
		}, []int{1, 2, 8, 6}},
		{"3x3 stride 2 pad 1", []int{2, 1, 8, 6}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return ConvLayer(ctx, x, ConvSpec{Out: 15, Kernel: []int{3, 3}, Strides: []int{2, 2}, Pads: []int{1, 1}, Bias: true})
		}, []int{2, 15, 4, 3}},
		{"3D 1x1x3 pad (0,0,1)", []int{1, 2, 4, 4, 6}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return ConvLayer(ctx, x, ConvSpec{Out: 2, Kernel: []int{1, 1, 3}, Pads: []int{0, 0, 1}})
		}, []int{1, 2, 4, 4, 6}},
		{"transpose k3 s2 p1 op1", []int{1, 4, 4, 3}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return ConvTransposeLayer(ctx, x, 2, 3, 2, 1, 1)
		}, []int{1, 2, 8, 6}},
		{"transpose k2 s2 p0 op0 3D", []int{1, 4, 2, 4, 3}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return ConvTransposeLayer(ctx, x, 5, 2, 2, 0, 0)
		}, []int{1, 5, 4, 8, 6}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.New()
			exec, err := context.NewExec(b, ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			defer exec.Finalize()
			out, err := exec.Exec(tensors.FromShape(shapes.Make(dtypes.Float32, tc.in...)))
			if err != nil {
				t.Fatal(err)
			}
			if got := out[0].Shape().Dimensions; fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("shape %v, want %v", got, tc.want)
			}
		})
	}
}
