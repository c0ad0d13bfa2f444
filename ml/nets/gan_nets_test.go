package nets

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/gradcheck"
	"github.com/im2im/im2im/ml/loss"
)

// shapesOf builds f on a zero input of dims and returns every output's dimensions.
func shapesOf(t *testing.T, f func(ctx *context.Context, x *graph.Node) []*graph.Node, dims ...int) [][]int {
	t.Helper()
	b := newBackend(t)
	exec, err := context.NewExec(b, context.New(), f)
	if err != nil {
		t.Fatal(err)
	}
	n := 1
	for _, d := range dims {
		n *= d
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(make([]float32, n), dims...))
	if err != nil {
		t.Fatal(err)
	}
	var res [][]int
	for _, o := range out {
		res = append(res, o.Shape().Dimensions)
	}
	return res
}

func TestPatchGANShapes(t *testing.T) {
	cases := []struct {
		name string
		d    PatchGAN
		in   []int
		want [][]int // per output: every layer of every scale
	}{
		// Original layout, n_layers 3 (70×70 field): 128 → 64 → 32 → 16 → 15 → 14.
		{"original n_layers 3", PatchGAN{Dims: 2, NF: 4}, []int{2, 2, 128, 128},
			[][]int{{2, 4, 64, 64}, {2, 8, 32, 32}, {2, 16, 16, 16}, {2, 32, 15, 15}, {2, 1, 14, 14}}},
		// mmv's layout: 256 with n_layers 3 gives 31×31 (the spec's example).
		{"mmv n_layers 3", PatchGAN{Dims: 2, NF: 2, MMVLayout: true}, []int{1, 2, 256, 256},
			[][]int{{1, 2, 128, 128}, {1, 4, 64, 64}, {1, 8, 32, 32}, {1, 1, 31, 31}}},
		// Two scales: the second sees 64 → 32 (3×3 average pool, stride 2, pad 1).
		{"multiscale 3D", PatchGAN{Dims: 3, NF: 2, NLayers: 2, Scales: 2}, []int{1, 1, 16, 64, 64},
			[][]int{{1, 2, 8, 32, 32}, {1, 4, 4, 16, 16}, {1, 8, 3, 15, 15}, {1, 1, 2, 14, 14},
				{1, 2, 4, 16, 16}, {1, 4, 2, 8, 8}, {1, 8, 1, 7, 7}, {1, 1, 0, 6, 6}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "multiscale 3D" {
				// z 16 at scale 1 is 8 → 4 → 2 → 1 → 0: refused up front, with the scale named.
				err := tc.d.CheckInput(tc.in)
				if err == nil || !strings.Contains(err.Error(), "scale 1") {
					t.Fatalf("CheckInput(%v) = %v, want an error naming scale 1", tc.in, err)
				}
				tc.in = []int{1, 1, 32, 64, 64}
				tc.want = nil
			}
			got := shapesOf(t, func(ctx *context.Context, x *graph.Node) []*graph.Node {
				var all []*graph.Node
				for _, s := range tc.d.Features(ctx, x) {
					all = append(all, s...)
				}
				return all
			}, tc.in...)
			if tc.want != nil && len(got) != len(tc.want) {
				t.Fatalf("%d outputs %v, want %d %v", len(got), got, len(tc.want), tc.want)
			}
			for i := range tc.want {
				if !equalInts(got[i], tc.want[i]) {
					t.Fatalf("output %d: %v, want %v (all: %v)", i, got[i], tc.want[i], got)
				}
			}
			last := got[len(got)/tc.d.withDefaults().Scales-1]
			for a, n := range tc.in[2:] {
				if want := tc.d.OutputSize(n); last[2+a] != want {
					t.Fatalf("OutputSize(%d) = %d, graph gives %d", n, want, last[2+a])
				}
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestResNetGeneratorShapes(t *testing.T) {
	cases := []struct {
		g  ResNetGenerator
		in []int
	}{
		{ResNetGenerator{Dims: 2, NF: 4, NRes: 2, OutChannels: 3}, []int{2, 1, 32, 24}},
		{ResNetGenerator{Dims: 3, NF: 2, NDown: 1, NRes: 1, Norm: "batch"}, []int{1, 2, 8, 8, 6}},
	}
	for _, tc := range cases {
		got := shapesOf(t, func(ctx *context.Context, x *graph.Node) []*graph.Node {
			return []*graph.Node{tc.g.Build(ctx, x)}
		}, tc.in...)
		want := append([]int{tc.in[0], tc.g.withDefaults().OutChannels}, tc.in[2:]...)
		if !equalInts(got[0], want) {
			t.Fatalf("%+v on %v: output %v, want %v", tc.g, tc.in, got[0], want)
		}
	}
}

func TestGANNetProblems(t *testing.T) {
	cases := []struct {
		err  error
		want []string
	}{
		{ResNetGenerator{Dims: 4, NDown: 9, Norm: "layer", Dropout: 1}.Validate(), []string{"resnet.dims", "resnet.n_down", "resnet.norm", "resnet.dropout"}},
		{PatchGAN{Dims: 2, NLayers: -1, Scales: 7, Norm: "x"}.Validate(), []string{"patchgan.n_layers", "patchgan.scales", "patchgan.norm"}},
		{ResNetGenerator{Dims: 2}.CheckInput([]int{1, 1, 30, 32}), []string{"multiple of 4"}},
		{PatchGAN{Dims: 2}.CheckInput([]int{1, 2, 16, 64}), []string{"spatial size 16", "too small"}},
	}
	for _, tc := range cases {
		if tc.err == nil {
			t.Fatalf("no error, want %v", tc.want)
		}
		for _, w := range tc.want {
			if !strings.Contains(tc.err.Error(), w) {
				t.Errorf("error %q does not name %q", tc.err, w)
			}
		}
		var fe *FieldError
		if strings.HasPrefix(tc.want[0], "resnet.") || strings.HasPrefix(tc.want[0], "patchgan.") {
			if !errors.As(tc.err, &fe) {
				t.Errorf("%v: not a *FieldError", tc.err)
			}
		}
	}
}

// TestGANNetGradients checks the gradients through a small ResNet generator and
// a two-scale PatchGAN (training graphs, float64) against finite differences.
func TestGANNetGradients(t *testing.T) {
	b := newBackend(t)
	cases := []struct {
		name string
		f    func(ctx *context.Context, x *graph.Node) *graph.Node
		in   []int
	}{
		{"resnet generator 2D", func(ctx *context.Context, x *graph.Node) *graph.Node {
			y := ResNetGenerator{Dims: 2, NF: 2, NDown: 1, NRes: 1}.Build(ctx, x)
			return loss.L1{}.Loss(y, graph.OnesLike(y))
		}, []int{1, 1, 8, 8}},
		{"patchgan 2 scales, vanilla GAN + feature matching", func(ctx *context.Context, x *graph.Node) *graph.Node {
			s := PatchGAN{Dims: 2, NF: 2, NLayers: 1, Scales: 2}.Features(ctx, x)
			l := graph.Add(loss.GAN(loss.GANVanilla, s[0][len(s[0])-1], true), loss.GAN(loss.GANLSGAN, s[1][len(s[1])-1], false))
			// A constant "real" side: one computed from x would be detached, which
			// finite differences cannot see.
			var real []*graph.Node
			for _, f := range s[0] {
				real = append(real, graph.AddScalar(graph.ZerosLike(f), 0.3))
			}
			return graph.Add(l, loss.FeatureMatching(s[0], real))
		}, []int{1, 2, 12, 12}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := func(ctx *context.Context, x []*graph.Node) *graph.Node {
				ctx.SetTraining(x[0].Graph(), true)
				return tc.f(ctx, x[0])
			}
			worst, err := gradcheck.CheckContext(b, context.New(), f, []gradcheck.Input{gradcheck.Random("x", 5, tc.in...)},
				gradcheck.Options{MaxElements: 6, Seed: 1, Variables: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d inputs and variables checked", len(worst))
		})
	}
}
