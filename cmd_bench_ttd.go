package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/ml/bench"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/stdlib/im2im"
)

// newBenchTTDCmd builds `im2im bench ttd`: time to a validation Dice, ours
// through `im2im train`'s path beside the PyTorch reference.
func newBenchTTDCmd() *cobra.Command {
	o := &bench.TTDOptions{}
	var noTorch bool
	var sets []string
	cmd := &cobra.Command{
		Use:   "ttd",
		Short: "Time to quality: steps and seconds to val Dice 0.80/0.90/0.95, ours beside PyTorch CPU",
		Long: `Generates the reference task once (../shared/bench/ttd/gen_data.py: 24 + 8 synthetic
256² nuclei images; written again as TIFF pairs for us), then trains the same U-Net
16-32-64 (conv3×3+BN+ReLU ×2, max-pool, ConvTranspose k2 s2, 2-class head) with
Dice+CE, Adam 1e-3, batch 8, random 128² crops with flips and 1–99.8 % normalisation
on both sides, validating on the 8 whole images every --eval-every steps (argmax,
mean foreground Dice): ours through im2im train's path (config, data store, loader,
FCN framework, trainer, checkpoints, metrics), then the PyTorch reference
(train.py, 2 threads). Prints steps, training and wall seconds to each Dice and the
wall-time ratio ours/torch.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Resolve(); err != nil {
				return badInput(err)
			}
			return runBenchTTD(cmd.Context(), cmd.OutOrStdout(), *o, sets, noTorch)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "dir", "/tmp/im2im-ttd", "folder of the generated data and the runs")
	f.StringVar(&o.Scripts, "scripts", "", "folder of gen_data.py and train.py (default ../shared/bench/ttd from the current or executable's directory)")
	f.StringVar(&o.Python, "python", "/usr/bin/python3", "Python with PyTorch (Debian's python3-torch)")
	f.IntVar(&o.Crop, "crop", 128, "training crop size per axis")
	f.IntVar(&o.Batch, "batch", 8, "batch size")
	f.IntVar(&o.EvalEvery, "eval-every", 21, "validate every this many steps, both sides (eval-every × batch a multiple of 24: our validation ends an epoch)")
	f.Float64Var(&o.MaxTrainS, "max-train-s", 120, "training-seconds budget of each side")
	f.IntVar(&o.Seed, "seed", 0, "seed of both sides")
	f.IntVar(&o.Threads, "threads", 2, "GOMAXPROCS of our side (PyTorch's script uses 2)")
	f.StringVar(&o.Backend, "backend", bench.DefaultBackend, "GoMLX backend of our side")
	f.BoolVar(&o.NoStop, "no-stop", false, "train until --max-train-s instead of stopping at Dice 0.95")
	f.BoolVar(&noTorch, "no-torch", false, "run only our side")
	f.StringArrayVar(&sets, "set", nil, "override our side's config, as im2im train's --section.key=value (repeatable), e.g. --set data.patch.pos_fraction=0.5")
	f.StringVar(&o.CPUProfile, "cpuprofile", "", "write a Go CPU profile of our side's training (im2im train's whole path) to this file")
	return cmd
}

// ttdNet is the reference U-Net as our nets.UNet declares it.
func ttdNet() im2im.UNet {
	return im2im.UNet{Dims: 2, OutChannels: 2, Features: []int{16, 32, 64}, Norm: "batch", Act: "relu",
		Down: nets.DownMaxPool, NumResUnits: 0}
}

// ttdConfig is the im2im training declaration of the task, as a YAML config
// for `im2im train -c` would say it (the run's name and the progress callback
// are set by the caller).
func ttdConfig(o bench.TTDOptions) im2im.Config {
	return im2im.Config{
		Data: im2im.Data{Category: "pair", Train: o.TrainDir(), Val: o.ValDir(),
			// PosFraction: as train.py, crops anywhere (0 would mean the default 0.5).
			Patch:     im2im.Patch{Size: []int{o.Crop, o.Crop}, PerImage: o.PerImage(), PosFraction: 1e-9, ValWhole: true},
			Normalize: im2im.Percentile(1, 99.8), Augment: []im2im.Transform{im2im.RandFlip(0.5)},
			Store: filepath.Join(o.Dir, "store")},
		Model: im2im.FCN{Net: ttdNet(), Loss: im2im.DiceCE{}, Metrics: []string{"dice"},
			Optimizer: im2im.Optimizer{Kind: "adam"}},
		Trainer: im2im.Trainer{Epochs: 1 << 20, BatchSize: o.Batch, LR: 1e-3, Seed: int64(o.Seed),
			Root: filepath.Join(o.Dir, "runs"), Backend: o.Backend, Quiet: true},
	}
}

// ttdYAML writes ttdConfig as Dir/ttd.yaml (`im2im train -c` runs it as is)
// and loads it back with the overrides, as `im2im train -c` does.
func ttdYAML(o bench.TTDOptions, overrides []string) (im2im.Config, string, error) {
	return benchYAML(filepath.Join(o.Dir, "ttd.yaml"), ttdConfig(o), overrides)
}

// benchYAML writes c as a YAML config at path and loads it back with the
// overrides (--set values, as im2im train's --section.key=value).
func benchYAML(path string, c im2im.Config, overrides []string) (im2im.Config, string, error) {
	if err := os.WriteFile(path, []byte(c.YAML()), 0o644); err != nil {
		return im2im.Config{}, "", err
	}
	var dotted []string
	for _, s := range overrides {
		dotted = append(dotted, "--"+strings.TrimLeft(s, "-"))
	}
	c, err := im2im.LoadConfig(path, dotted...)
	if err != nil {
		return c, path, badInput(fmt.Errorf("--set: %w", err))
	}
	return c, path, nil
}

// runBenchTTD prepares the data, runs our side then PyTorch's and prints both
// results and the ratios.
func runBenchTTD(ctx context.Context, w io.Writer, o bench.TTDOptions, sets []string, noTorch bool) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := bench.PrepareTTDData(w, o); err != nil {
		return err
	}
	fmt.Fprintf(w, "time to quality: crop %d, batch %d, validation every %d steps (%d crops per image and epoch), budget %g s, seed %d; load average %s on %d CPUs\n",
		o.Crop, o.Batch, o.EvalEvery, o.PerImage(), o.MaxTrainS, o.Seed, bench.LoadAverage(), runtime.NumCPU())
	c, path, err := ttdYAML(o, sets)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "ours: im2im train -c %s %s\n", path, strings.Join(sets, " "))
	ours, err := oursTTD(ctx, w, o, c)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, bench.FormatTTD("ours", ours)+fmt.Sprintf(" start_s=%.1f params=%d load=%s", ours.StartS, ours.Params, bench.LoadAverage()))
	if noTorch {
		return nil
	}
	torch, err := bench.TorchTTD(w, o)
	if err != nil {
		return err
	}
	return compareTTD(w, bench.DiceTargets(), ours, torch)
}

// compareTTD prints PyTorch's RESULT line and, when both sides' nets have the
// same parameter count (else it fails), the wall-time ratios to every target
// and of the median steps.
func compareTTD(w io.Writer, t bench.Targets, ours, torch bench.TTDResult) error {
	fmt.Fprintln(w, t.Format("torch", torch)+fmt.Sprintf(" params=%d load=%s", torch.Params, bench.LoadAverage()))
	if torch.Params != ours.Params {
		return fmt.Errorf("the two sides' nets differ: ours %d parameters, torch %d", ours.Params, torch.Params)
	}
	ratios := t.Ratios(ours, torch)
	for i, k := range t.Keys {
		if r, ok := ratios[k]; ok {
			fmt.Fprintf(w, "RATIO wall to %s %s (%.2f) ours/torch = %.2f\n", t.Metric, k, t.Values[i], r)
		} else {
			fmt.Fprintf(w, "RATIO wall to %s %s (%.2f): not reached by both sides\n", t.Metric, k, t.Values[i])
		}
	}
	fmt.Fprintf(w, "RATIO median step ours/torch = %.2f, CPU seconds ours/torch = %.2f (PyTorch's include its start-up); load average now %s on %d CPUs\n",
		ours.MedianStepS/torch.MedianStepS, ours.CPUS/torch.CPUS, bench.LoadAverage(), runtime.NumCPU())
	return nil
}

// oursTTD trains c through im2im.TrainContext, stopping at Dice 0.95 (unless
// o.NoStop) or when the training budget is spent.
func oursTTD(ctx context.Context, w io.Writer, o bench.TTDOptions, c im2im.Config) (bench.TTDResult, error) {
	return trainTTD(ctx, w, ttdRun{threads: o.Threads, backend: o.Backend, maxTrainS: o.MaxTrainS, noStop: o.NoStop,
		cpuProfile: o.CPUProfile, evalEvery: o.EvalEvery, input: []int{1, 1, o.Crop, o.Crop}, targets: bench.DiceTargets()}, c)
}

// ttdRun is what our side of a time-to-quality run needs besides its config.
type ttdRun struct {
	threads    int
	backend    string
	maxTrainS  float64
	noStop     bool
	cpuProfile string
	evalEvery  int
	input      []int // net input dims for the parameter count
	targets    bench.Targets
}

// trainTTD trains c (an FCN with a U-Net) through im2im.TrainContext, timing
// it with a clock of r.targets (the validation metric r.targets.Metric), and
// stops when every target is reached (unless r.noStop) or the training budget
// is spent.
func trainTTD(ctx context.Context, w io.Writer, r ttdRun, c im2im.Config) (bench.TTDResult, error) {
	prev := runtime.GOMAXPROCS(r.threads)
	defer runtime.GOMAXPROCS(prev)
	net, ok := c.Model.(im2im.FCN).Net.(im2im.UNet)
	if !ok {
		return bench.TTDResult{}, badf("--set: the benchmark compares U-Nets; model.net is %T", c.Model.(im2im.FCN).Net)
	}
	params, err := bench.NetParams(r.backend, nets.UNet(net), r.input)
	if err != nil {
		return bench.TTDResult{}, err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var clock *bench.TTDClock
	metric := r.targets.Metric
	progress := func(p im2im.Progress) {
		switch p.Phase {
		case "train":
			clock.Step(p.Step)
			if clock.TrainSeconds() >= r.maxTrainS {
				stop()
			}
		case "val":
			done := clock.Validated(p.Step, p.Val[metric])
			res := clock.Result()
			fmt.Fprintf(w, "ours step %d: val %s %.4f loss %.4g (train %.1f s, wall %.1f s)\n", p.Step, metric, p.Val[metric], p.Val["loss"], res.TrainS, res.WallS)
			if done && !r.noStop {
				stop()
			}
		}
	}
	c.Trainer.Name = "ours-" + time.Now().Format("20060102-150405.000")
	c.Trainer.OnProgress = progress
	stopProfile, err := bench.ProfileCPU(r.cpuProfile)
	if err != nil {
		return bench.TTDResult{}, err
	}
	clock = bench.NewTargetsClock(r.targets)
	_, err = im2im.TrainContext(ctx, c)
	if perr := stopProfile(); perr != nil && err == nil {
		err = perr
	}
	res := clock.Result()
	res.Params, res.EvalEvery = params, r.evalEvery
	if err != nil && !errors.Is(err, context.Canceled) {
		return res, err
	}
	return res, nil
}
