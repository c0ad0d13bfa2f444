package bench

import (
	stdctx "context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/gomlx/gomlx/backends"

	"github.com/im2im/im2im/ml/backend/kernels"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// Pix2PixNets sizes the benchmark's nets; zero values mean the reference
// (the nets of torch_pix2pix.py). Tests shrink them.
type Pix2PixNets struct {
	Features []int // the generator U-Net's features per level [16, 32, 64, 128]
	NF       int   // the PatchGAN's first-layer channels [64]
}

// Pix2PixFramework is the benchmarked pix2pix for dims spatial axes: generator
// nets.UNet{OutChannels: 1, Features} with its defaults (instance norm, PReLU,
// strided-conv down-sampling, ConvTranspose k2 s2 up), discriminator
// nets.PatchGAN{NF, NLayers: 3} (original layout), vanilla GAN + 100·L1, Adam
// 2e-4 (β 0.5, 0.999) for both nets; cfg's Epochs, Seed and Progress are kept.
func Pix2PixFramework(dims int, n Pix2PixNets, cfg train.Config) framework.Pix2Pix {
	feats := n.Features
	if len(feats) == 0 {
		feats = []int{16, 32, 64, 128}
	}
	nf := n.NF
	if nf == 0 {
		nf = 64
	}
	adam := train.Optimizer{Kind: "adam", LR: 2e-4, Beta1: 0.5, Beta2: 0.999}
	cfg.Optimizer = adam
	return framework.Pix2Pix{
		Generator:     nets.UNet{Dims: dims, OutChannels: 1, Features: feats},
		Discriminator: nets.PatchGAN{Dims: dims, NF: nf, NLayers: 3},
		Loss:          framework.GANLoss{Criterion: loss.GANVanilla, Reconstruction: loss.L1{}, WeightGAN: 1, WeightRec: 100},
		Trainer:       cfg,
		DOptimizer:    adam,
	}
}

// sameBatch is a Dataset of n copies of one batch.
type sameBatch struct {
	b train.Batch
	n int
}

func (d sameBatch) Len() int                            { return d.n }
func (d sameBatch) Batch(_, _ int) (train.Batch, error) { return d.b, nil }

// randomPair returns an input and a target of dims [batch, 1, size...] filled
// with standard normal values from a fixed seed.
func randomPair(batch int, size []int) train.Batch {
	dims := append([]int{batch, 1}, size...)
	r := rand.New(rand.NewPCG(0, 1))
	return train.Batch{X: train.Tensor{Shape: dims, Data: normalData(r, dims)}, Y: train.Tensor{Shape: dims, Data: normalData(r, dims)}}
}

// OursPix2Pix trains Pix2PixFramework (nets n) on one random batch of the
// resolved options o and spatial size through framework.New(...).Train, as
// `im2im train` would, writes each step's time and losses to w, and returns the
// timed steps' summary with the process CPU seconds per step and each net's
// parameter count.
func OursPix2Pix(w io.Writer, o Options, size []int, n Pix2PixNets) (Result, error) {
	prev := runtime.GOMAXPROCS(o.Threads)
	defer runtime.GOMAXPROCS(prev)
	be, err := backends.NewWithConfig(o.Backend)
	if err != nil {
		return Result{}, fmt.Errorf("--backend %q: %w", o.Backend, err)
	}
	defer be.Finalize()
	fmt.Fprintf(w, "ours: backend %s (%s), GEMM micro-kernel %s, GOMAXPROCS %d\n", be.String(), be.Name(), kernels.ActivePath(), o.Threads)
	total := o.Warmup + o.Steps
	var ts []float64
	var cpu0 float64
	var stepErr error
	prof := &stepProfiler{o: o}
	defer prof.Stop()
	last := time.Now()
	progress := func(p train.Progress) {
		if p.Phase != "train" {
			return
		}
		now := time.Now()
		el := now.Sub(last).Seconds()
		i := p.Step - 1
		if i >= o.Warmup {
			ts = append(ts, el)
		}
		fmt.Fprintf(w, "ours step %d: %.3fs loss_g=%.5f loss_d=%.5f\n", i, el, p.Losses["generator"], p.Losses["discriminator"])
		if p.Step == o.Warmup {
			cpu0 = ProcessCPUSeconds()
			if err := prof.Start(); err != nil && stepErr == nil {
				stepErr = err
			}
		}
		last = time.Now() // the printing above is not part of the next step
	}
	if o.Warmup == 0 {
		cpu0 = ProcessCPUSeconds()
		if err := prof.Start(); err != nil {
			return Result{}, err
		}
	}
	m, err := framework.New(be, Pix2PixFramework(o.Dims, n, train.Config{Epochs: 1, Progress: progress}))
	if err != nil {
		return Result{}, err
	}
	last = time.Now()
	if _, err := m.Train(stdctx.Background(), sameBatch{b: randomPair(o.Batch, size), n: total}, nil); err != nil {
		return Result{}, err
	}
	if stepErr != nil {
		return Result{}, stepErr
	}
	if err := prof.Stop(); err != nil {
		return Result{}, err
	}
	if len(ts) != o.Steps {
		return Result{}, fmt.Errorf("pix2pix: %d timed steps reported, want %d", len(ts), o.Steps)
	}
	res := Summarize(ts)
	if cpu0 >= 0 {
		if c := ProcessCPUSeconds(); c >= 0 {
			res.CPUPerStep = (c - cpu0) / float64(o.Steps)
		}
	}
	res.Params = ParamCounts(m.Trainer(), framework.GeneratorScope, framework.DiscriminatorScope)
	return res, nil
}
