package bench

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	_ "github.com/im2im/im2im/ml/backend" // registers the "im2im" pure-Go backend
	"github.com/im2im/im2im/ml/backend/fast"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// DefaultBackend is the backend our side uses unless Options.Backend names another.
const DefaultBackend = fast.Name

// Ours trains ReferenceUNet (MSE, Adam 1e-3) on random data of the resolved
// options o and spatial size, writes each step's time and loss to w, and returns
// the timed steps' summary with the process CPU seconds per step.
func Ours(w io.Writer, o Options, size []int) (Result, error) {
	prev := runtime.GOMAXPROCS(o.Threads)
	defer runtime.GOMAXPROCS(prev)
	be, err := backends.NewWithConfig(o.Backend)
	if err != nil {
		return Result{}, fmt.Errorf("--backend %q: %w", o.Backend, err)
	}
	defer be.Finalize()
	fmt.Fprintf(w, "ours: backend %s (%s), GEMM micro-kernel %s, GOMAXPROCS %d\n", be.String(), be.Name(), kernels.ActivePath(), o.Threads)
	dims := append([]int{o.Batch, 1}, size...)
	r := rand.New(rand.NewPCG(0, 1))
	x, y := normalTensor(r, dims), normalTensor(r, dims)
	ctx := context.New()
	ctx.SetParam(optimizers.ParamLearningRate, 1e-3)
	trainer := train.NewTrainer(be, ctx, ReferenceUNet, losses.MeanSquaredError, optimizers.Adam().Done(), nil, nil)
	return timeSteps(w, o, func() (any, error) {
		m, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y})
		if err != nil {
			return nil, err
		}
		return m[0].Value(), nil
	})
}

// timeSteps runs o.Warmup untimed and o.Steps timed training steps (step
// returns the loss), writes each step's time and loss to w, profiles the timed
// steps when asked, and returns their summary with the process CPU seconds per
// timed step.
func timeSteps(w io.Writer, o Options, step func() (any, error)) (Result, error) {
	var ts []float64
	var cpu0 float64
	prof := &stepProfiler{o: o}
	defer prof.Stop()
	for i := 0; i < o.Warmup+o.Steps; i++ {
		if i == o.Warmup {
			cpu0 = ProcessCPUSeconds()
			if err := prof.Start(); err != nil {
				return Result{}, err
			}
		}
		t0 := time.Now()
		loss, err := step()
		if err != nil {
			return Result{}, fmt.Errorf("training step %d: %w", i, err)
		}
		el := time.Since(t0).Seconds()
		if i >= o.Warmup {
			ts = append(ts, el)
		}
		fmt.Fprintf(w, "ours step %d: %.3fs loss=%v\n", i, el, loss)
	}
	if err := prof.Stop(); err != nil {
		return Result{}, err
	}
	res := Summarize(ts)
	if cpu0 >= 0 {
		if c := ProcessCPUSeconds(); c >= 0 {
			res.CPUPerStep = (c - cpu0) / float64(o.Steps)
		}
	}
	return res, nil
}

// normalTensor returns a tensor of the given dims filled with standard normal
// values drawn from r.
func normalTensor(r *rand.Rand, dims []int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(normalData(r, dims), dims...)
}

// normalData returns prod(dims) standard normal values drawn from r.
func normalData(r *rand.Rand, dims []int) []float32 {
	n := 1
	for _, v := range dims {
		n *= v
	}
	d := make([]float32, n)
	for i := range d {
		d[i] = float32(r.NormFloat64())
	}
	return d
}
