package nets

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/metric"
)

// squares returns n noisy images [n, 1, size, size] with one bright square each and
// their masks.
func squares(seed uint64, n, size int) (img, mask *tensors.Tensor) {
	r := rand.New(rand.NewPCG(seed, 9))
	iv := make([]float32, n*size*size)
	mv := make([]float32, n*size*size)
	for s := range n {
		w := 3 + r.IntN(size/2)
		y0, x0 := r.IntN(size-w), r.IntN(size-w)
		for y := range size {
			for x := range size {
				i := (s*size+y)*size + x
				if y >= y0 && y < y0+w && x >= x0 && x < x0+w {
					mv[i] = 1
				}
				iv[i] = mv[i] + 0.3*float32(r.NormFloat64())
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(iv, n, 1, size, size), tensors.FromFlatDataAndDimensions(mv, n, 1, size, size)
}

// TestNetsLearnSquares trains tiny 2D nets with DiceCE and Adam on noisy squares and
// checks the Dice on held-out images: the layers, their gradients on the im2im
// backend, the losses and the metric work together. With -short only the U-Net runs.
func TestNetsLearnSquares(t *testing.T) {
	cases := []struct {
		name string
		net  Net
		loss loss.Loss
	}{
		{"unet", UNet{Dims: 2, OutChannels: 1, Features: []int{4, 8}, Norm: "batch", Act: "relu"}, loss.DiceCE{}},
		{"attention unet", AttentionUNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}, Norm: "batch", Act: "relu"}, loss.DiceCE{}},
		{"dynunet deep supervision", DynUNet{Dims: 2, OutChannels: 1, Features: []int{4, 4, 8}, DeepSupervision: 1, Norm: "batch", Act: "relu"},
			loss.Deep{Head: loss.DiceCE{}, OutChannels: 1}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if i > 0 && testing.Short() {
				t.Skip("-short: only the U-Net learns")
			}
			first, last, dice := learnSquares(t, tc.net, tc.loss, 60)
			t.Logf("%s: loss %.3f → %.3f after 60 steps; validation Dice %.3f", tc.name, first, last, dice)
			if dice < 0.85 || last > first/2 {
				t.Fatalf("%s did not learn: loss %.3f → %.3f, Dice %.3f", tc.name, first, last, dice)
			}
		})
	}
}

// learnSquares trains net for steps Adam steps (batch 4, 16×16) and returns the first
// and last loss and the Dice on 4 held-out images.
func learnSquares(t *testing.T, net Net, l loss.Loss, steps int) (first, last, dice float32) {
	b := newBackend(t)
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(42); err != nil {
		t.Fatal(err)
	}
	opt := optimizers.Adam().LearningRate(0.02).Done()
	step, err := context.NewExec(b, ctx, func(ctx *context.Context, x, y *graph.Node) *graph.Node {
		ctx.SetTraining(x.Graph(), true)
		lv := l.Loss(net.Build(ctx, x), y)
		opt.UpdateGraph(ctx, x.Graph(), lv)
		return lv
	})
	if err != nil {
		t.Fatal(err)
	}
	defer step.Finalize()
	eval, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, x, y *graph.Node) *graph.Node {
		return metric.Dice(net.Build(ctx, x), y)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer eval.Finalize()
	for i := range steps {
		x, y := squares(uint64(i), 4, 16)
		out, err := step.Exec(x, y)
		if err != nil {
			t.Fatal(err)
		}
		v := out[0].Value().(float32)
		if i == 0 {
			first = v
		}
		last = v
	}
	vx, vy := squares(100, 4, 16)
	out, err := eval.Exec(vx, vy)
	if err != nil {
		t.Fatal(err)
	}
	return first, last, out[0].Value().(float32)
}
