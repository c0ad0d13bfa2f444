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

// TestUNetLearnsSquares trains a tiny 2D U-Net with DiceCE and Adam on noisy squares
// and checks the Dice on held-out images: the layers, their gradients on the im2im
// backend, the loss and the metric work together.
func TestUNetLearnsSquares(t *testing.T) {
	b := newBackend(t)
	net := UNet{Dims: 2, OutChannels: 1, Channels: []int{4, 8}, Norm: "batch", Act: "relu"}
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(42); err != nil {
		t.Fatal(err)
	}
	opt := optimizers.Adam().LearningRate(0.02).Done()
	step, err := context.NewExec(b, ctx, func(ctx *context.Context, x, y *graph.Node) *graph.Node {
		ctx.SetTraining(x.Graph(), true)
		l := loss.DiceCE{}.Loss(net.Build(ctx, x), y)
		opt.UpdateGraph(ctx, x.Graph(), l)
		return l
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
	vx, vy := squares(100, 4, 16)
	var first, last float32
	for i := range 40 {
		x, y := squares(uint64(i), 4, 16)
		out, err := step.Exec(x, y)
		if err != nil {
			t.Fatal(err)
		}
		l := out[0].Value().(float32)
		if i == 0 {
			first = l
		}
		last = l
	}
	out, err := eval.Exec(vx, vy)
	if err != nil {
		t.Fatal(err)
	}
	dice := out[0].Value().(float32)
	t.Logf("DiceCE loss %.3f → %.3f after 40 steps; validation Dice %.3f", first, last, dice)
	if dice < 0.85 || last > first/2 {
		t.Fatalf("U-Net did not learn: loss %.3f → %.3f, Dice %.3f", first, last, dice)
	}
}
