package nets

import (
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/gradcheck"
	"github.com/im2im/im2im/ml/loss"
)

// TestNetGradients checks the gradient of a loss through whole networks (training
// graphs, float64) against central finite differences w.r.t. the input image and
// every trainable variable (a random sample of elements of each): every layer's
// backward pass on the im2im backend is exercised in its real composition.
func TestNetGradients(t *testing.T) {
	b := newBackend(t)
	labels := func(dims ...int) []float64 {
		n := 1
		for _, d := range dims {
			n *= d
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = float64((i * 7 / 3) % 2)
		}
		return v
	}
	cases := []struct {
		name string
		net  Net
		in   []int
		l    loss.Loss
		out  int
	}{
		{"unet 2D classic (batch norm, relu, maxpool)", UNet{Dims: 2, OutChannels: 2, Features: []int{2, 3}, Down: DownMaxPool, Norm: "batch", Act: "relu"},
			[]int{2, 1, 4, 4}, loss.DiceCE{}, 2},
		{"unet 2D residual (instance norm, prelu, strided conv)", UNet{Dims: 2, OutChannels: 1, Features: []int{2, 3}, NumResUnits: 2},
			[]int{1, 1, 4, 4}, loss.Dice{}, 1},
		{"attention unet 2D (group norm, elu)", AttentionUNet{Dims: 2, OutChannels: 2, Features: []int{2, 4}, Norm: "group", Act: "elu"},
			[]int{1, 1, 4, 4}, loss.GDLFocal{}, 2},
		// 8×8, not 4×4: a 1×1 bottom makes instance norm output exactly beta (0 at
		// initialization), right on PReLU's kink, where finite differences are meaningless.
		{"dynunet 2D deep supervision", DynUNet{Dims: 2, OutChannels: 1, Features: []int{2, 2, 3}, DeepSupervision: 1},
			[]int{1, 1, 8, 8}, loss.Deep{Head: loss.CE{}, OutChannels: 1}, 1},
		{"unet 3D anisotropic residual", UNet{Dims: 3, OutChannels: 2, Features: []int{2, 2}, AxisStrides: [][]int{{1, 2, 2}}, NumResUnits: 1},
			[]int{1, 1, 2, 4, 4}, loss.DiceCE{}, 2},
		{"unet 2D up kernel 3 (MONAI up-sampling)", UNet{Dims: 2, OutChannels: 1, Features: []int{2, 3}, UpKernelSize: 3, Norm: "batch"},
			[]int{2, 1, 4, 4}, loss.MSE{}, 1},
		{"unet 3D", UNet{Dims: 3, OutChannels: 1, Features: []int{2, 2}, Norm: "batch"},
			[]int{1, 1, 2, 4, 4}, loss.MSE{}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tdims := append([]int{tc.in[0], 1}, tc.in[2:]...)
			y := labels(tdims...)
			f := func(ctx *context.Context, x []*graph.Node) *graph.Node {
				ctx.SetTraining(x[0].Graph(), true)
				pred := tc.net.Build(ctx, x[0])
				target := graph.Reshape(graph.Const(x[0].Graph(), y), tdims...)
				return tc.l.Loss(pred, target)
			}
			worst, err := gradcheck.CheckContext(b, context.New(), f, []gradcheck.Input{gradcheck.Random("x", 5, tc.in...)},
				gradcheck.Options{MaxElements: 6, Seed: 1, Variables: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range worst {
				if m.Error > 1e-7 {
					t.Logf("%s", m)
				}
			}
			t.Logf("%d inputs and variables checked", len(worst))
		})
	}
}
