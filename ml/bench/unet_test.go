package bench

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
)

// TestConvFLOPs checks the 2D reference case against the issue's ~19 GFLOP per step
// and the 3D/2D ratio implied by the network (same channels, 2·64·64/(128·128)·... voxels).
func TestConvFLOPs(t *testing.T) {
	f2 := ConvFLOPs(8, []int{128, 128})
	if math.Abs(f2/1e9-19.05) > 0.05 {
		t.Fatalf("2D step = %.3f GFLOP, want ≈ 19.05", f2/1e9)
	}
	// One 3×3 conv 1→16 on a 4×4 image, batch 1: 2·16·16·9 = 4608 forward FLOPs; the total
	// must exceed three times that.
	if f := ConvFLOPs(1, []int{4, 4}); f < 3*4608 {
		t.Fatalf("tiny step = %v FLOPs, want > %v", f, 3*4608)
	}
	if f3 := ConvFLOPs(2, []int{32, 64, 64}); f3 <= f2 {
		t.Fatalf("3D step %.2f GFLOP should exceed the 2D step %.2f", f3/1e9, f2/1e9)
	}
}

// TestOursTiny times one training step of a tiny 2D and 3D input on the default backend.
func TestOursTiny(t *testing.T) {
	for _, tc := range []struct {
		dims int
		size string
	}{{2, "8,12"}, {3, "4,8,8"}} {
		o := Options{Dims: tc.dims, Batch: 2, Size: tc.size, Warmup: 0, Steps: 1, Threads: 2, Backend: DefaultBackend}
		size, err := o.Resolve()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		r, err := Ours(&buf, o, size)
		if err != nil {
			t.Fatalf("%dD: %v\n%s", tc.dims, err, buf.String())
		}
		if r.N != 1 || !(r.Median > 0) || !strings.Contains(buf.String(), "ours step 0:") || strings.Contains(buf.String(), "NaN") {
			t.Fatalf("%dD: result %+v, output:\n%s", tc.dims, r, buf.String())
		}
	}
}

// unetLosses trains the reference U-Net with plain SGD for a few steps on fixed data and
// returns the loss of each step: after the first, every loss depends on all gradients.
func unetLosses(t *testing.T, backendConfig string, dims []int, steps int) []float64 {
	t.Helper()
	be, err := backends.NewWithConfig(backendConfig)
	if err != nil {
		t.Fatal(err)
	}
	defer be.Finalize()
	r := rand.New(rand.NewPCG(11, 12))
	x, y := normalTensor(r, dims), normalTensor(r, dims)
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(5); err != nil {
		t.Fatal(err)
	}
	opt := optimizers.StochasticGradientDescent().WithDecay(false).WithLearningRate(0.05).Done()
	trainer := train.NewTrainer(be, ctx, ReferenceUNet, losses.MeanSquaredError, opt, nil, nil)
	var out []float64
	for i := 0; i < steps; i++ {
		m, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y})
		if err != nil {
			t.Fatalf("%s step %d: %v", backendConfig, i, err)
		}
		out = append(out, float64(m[0].Value().(float32)))
	}
	return out
}

// TestFastBackendTrainsLikePureGo trains the reference U-Net (2D and 3D, tiny) on the fast
// backend and on the plain pure-Go one from the same initial weights: the losses of every
// step must agree to 1e-4 relative, so forward pass and all gradients agree.
func TestFastBackendTrainsLikePureGo(t *testing.T) {
	for _, dims := range [][]int{{2, 1, 8, 12}, {1, 1, 4, 8, 8}} {
		fastL := unetLosses(t, "im2im-fast", dims, 3)
		refL := unetLosses(t, "im2im", dims, 3)
		for i := range refL {
			if d := math.Abs(fastL[i] - refL[i]); d > 1e-4*math.Max(1e-3, math.Abs(refL[i])) {
				t.Fatalf("dims %v step %d: loss %.7g on im2im-fast, %.7g on im2im", dims, i, fastL[i], refL[i])
			}
		}
		if !(refL[2] < refL[0]) {
			t.Errorf("dims %v: SGD did not lower the loss: %v", dims, refL)
		}
		t.Logf("dims %v: losses fast %v, pure Go %v", dims, fastL, refL)
	}
}
