package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/ml/bench"
	"github.com/im2im/im2im/stdlib/im2im"
)

// newBenchTTD3DCmd builds `im2im bench ttd3d`: time to a validation PSNR on
// the 3D denoising tutorial's task, ours through `im2im train`'s path beside
// the built-in PyTorch reference.
func newBenchTTD3DCmd() *cobra.Command {
	o := &bench.Denoise3DOptions{}
	var noTorch bool
	var sets []string
	var torchInit string
	cmd := &cobra.Command{
		Use:   "ttd3d",
		Short: "Time to quality, 3D denoising: steps and seconds to val PSNR targets, ours beside PyTorch CPU",
		Long: `The task of notebooks/denoise_3d.ipynb: synthetic noisy → clean volumes (data/synth kind
denoise, written once as OME-TIFF for us and as .npy stacks of the same values for
PyTorch), a 3D U-Net 16-32-64 (two conv3 + PReLU per level, no norm, stride-2
convolutions down, ConvTranspose k2 s2 up, 1-channel head), MSE, AdamW, batch 4 of
16×32×32 patches (4 per volume and epoch, flips and 90° rotations), no normalisation.
Both sides validate after every epoch on the whole held-out volumes (mean PSNR, range
of the clean volume) and record steps, training and wall seconds to the noisy input's
PSNR plus each --gains value: ours through im2im train's path (config, data store,
loader, FCN framework, trainer, checkpoints, metrics), then the PyTorch reference
(torch_ttd_denoise3d.py, built into im2im). Prints both and the wall-time ratios;
refuses to compare nets with different parameter counts.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Resolve(); err != nil {
				return badInput(err)
			}
			if torchInit != "torch" && torchInit != "he" {
				return badf("--torch-init %q: want torch or he", torchInit)
			}
			return runBenchTTD3D(cmd.Context(), cmd.OutOrStdout(), *o, sets, noTorch, torchInit)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "dir", "/tmp/im2im-ttd3d", "folder of the generated data and the runs")
	f.StringVar(&o.Python, "python", "/usr/bin/python3", "Python with PyTorch (Debian's python3-torch)")
	f.IntVar(&o.Train, "train", 10, "training volumes")
	f.IntVar(&o.Val, "val", 2, "validation volumes (generated with --data-seed + 100000)")
	f.IntSliceVar(&o.Volume, "volume", []int{32, 64, 64}, "Z,Y,X of each volume")
	f.IntSliceVar(&o.Patch, "patch", []int{16, 32, 32}, "Z,Y,X of the training patches")
	f.IntVar(&o.PerImage, "per-image", 4, "patches per training volume and epoch (an epoch of train × per-image / batch steps is the validation interval)")
	f.IntVar(&o.Batch, "batch", 4, "batch size")
	f.Float64Var(&o.LR, "lr", 2e-3, "AdamW learning rate (weight decay 1e-2)")
	f.Float64SliceVar(&o.Gains, "gains", bench.Denoise3DGains, "PSNR targets: dB over the noisy validation input, increasing")
	f.Float64Var(&o.MaxTrainS, "max-train-s", 300, "training-seconds budget of each side")
	f.IntVar(&o.Seed, "seed", 1, "training seed of both sides")
	f.IntVar(&o.DataSeed, "data-seed", 1, "seed of the synthetic volumes")
	f.IntVar(&o.Threads, "threads", 2, "GOMAXPROCS of our side and torch.set_num_threads")
	f.StringVar(&o.Backend, "backend", bench.DefaultBackend, "GoMLX backend of our side")
	f.BoolVar(&o.NoStop, "no-stop", false, "train until --max-train-s instead of stopping at the last target")
	f.BoolVar(&noTorch, "no-torch", false, "run only our side")
	f.StringVar(&torchInit, "torch-init", "torch", "PyTorch side's weight initialisation: torch (its defaults) or he (ours: uniform ±√(6/fan_in), zero bias)")
	f.StringArrayVar(&sets, "set", nil, "override our side's config, as im2im train's --section.key=value (repeatable)")
	f.StringVar(&o.CPUProfile, "cpuprofile", "", "write a Go CPU profile of our side's training (im2im train's whole path) to this file")
	return cmd
}

// denoise3DConfig is the tutorial's training declaration as the benchmark runs
// it: explicit training and validation folders, validation on whole volumes
// with PSNR only (the notebook adds SSIM), training until stopped.
func denoise3DConfig(o bench.Denoise3DOptions) im2im.Config {
	return im2im.Config{
		Data: im2im.Data{Category: "pair", Train: o.TrainDir(), Val: o.ValDir(),
			Patch:     im2im.Patch{Size: o.Patch, PerImage: o.PerImage, ValWhole: true},
			Normalize: im2im.NoNormalization(), Augment: []im2im.Transform{im2im.RandFlip(0.5), im2im.RandRotate90(0.5)},
			Store: filepath.Join(o.DataDir(), "store")},
		Model: im2im.FCN{Net: im2im.UNet{Dims: 3, Features: []int{16, 32, 64}, OutChannels: 1, Norm: "none"},
			Loss: im2im.MSE{}, Metrics: []string{"psnr"}},
		Trainer: im2im.Trainer{Epochs: 1 << 20, BatchSize: o.Batch, LR: o.LR, Seed: int64(o.Seed),
			Root: filepath.Join(o.Dir, "runs"), Backend: o.Backend, Quiet: true},
	}
}

// runBenchTTD3D prepares the data, runs our side then PyTorch's and prints both
// results and the ratios.
func runBenchTTD3D(ctx context.Context, w io.Writer, o bench.Denoise3DOptions, sets []string, noTorch bool, torchInit string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	d, err := bench.PrepareDenoise3DData(w, o)
	if err != nil {
		return err
	}
	targets := bench.GainTargets("psnr", d.NoisyPSNR, o.Gains)
	fmt.Fprintf(w, "time to quality, 3D denoising: %d + %d volumes %v, patch %v ×%d per volume, batch %d, validation every %d steps, budget %g s, seed %d; noisy val PSNR %.2f dB, targets %v dB; load average %s on %d CPUs\n",
		o.Train, o.Val, o.Volume, o.Patch, o.PerImage, o.Batch, o.EvalEvery(), o.MaxTrainS, o.Seed, d.NoisyPSNR, roundedTargets(targets), bench.LoadAverage(), runtime.NumCPU())
	c, path, err := benchYAML(filepath.Join(o.Dir, "ttd3d.yaml"), denoise3DConfig(o), sets)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "ours: im2im train -c %s %s\n", path, strings.Join(sets, " "))
	ours, err := trainTTD(ctx, w, ttdRun{threads: o.Threads, backend: o.Backend, maxTrainS: o.MaxTrainS, noStop: o.NoStop,
		cpuProfile: o.CPUProfile, evalEvery: o.EvalEvery(), input: append([]int{1, 1}, o.Patch...), targets: targets}, c)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, targets.Format("ours", ours)+fmt.Sprintf(" start_s=%.1f params=%d load=%s", ours.StartS, ours.Params, bench.LoadAverage()))
	if noTorch {
		return nil
	}
	torch, err := bench.TorchDenoise3D(w, o, targets, "INIT="+torchInit)
	if err != nil {
		return err
	}
	return compareTTD(w, targets, ours, torch)
}

// roundedTargets is t's values to 2 decimals, for the header line.
func roundedTargets(t bench.Targets) []string {
	out := make([]string, len(t.Values))
	for i, v := range t.Values {
		out[i] = fmt.Sprintf("%.2f", v)
	}
	return out
}
