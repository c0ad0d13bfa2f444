package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/ml/bench"
)

// newBenchCmd builds `im2im bench` with its unet, pix2pix, embedseg, ttd and ttd3d subcommands.
func newBenchCmd() *cobra.Command {
	cmd := commandGroup(&cobra.Command{Use: "bench", Short: "Benchmarks (training speed and time to quality against PyTorch CPU)"})
	cmd.AddCommand(newBenchUNetCmd(), newBenchPix2PixCmd(), newBenchEmbedSegCmd(), newBenchTTDCmd(), newBenchTTD3DCmd())
	return cmd
}

// newBenchUNetCmd builds `im2im bench unet`; the benchmark itself is ml/bench.
func newBenchUNetCmd() *cobra.Command {
	return newBenchModelCmd(bench.ModelUNet, &cobra.Command{
		Use:   "unet",
		Short: "Time training steps of the reference U-Net on our backend and on PyTorch CPU, side by side",
		Long: `Trains the reference U-Net (base 16: two conv3+BN+ReLU per level, max-pool,
ConvTranspose k2 s2 as 1x1 conv + depth-to-space, skip concat, 1x1 out; MSE; Adam 1e-3)
on random data and prints the median step time, then runs the PyTorch script
(../shared/bench/torch_unet.py) with the same shape and threads and prints both medians,
their ratio (ours/torch) and the convolution GFLOP/s achieved.`,
	}, "default 8 for 2D, 2 for 3D", "default 128,128 for 2D, 32,64,64 for 3D",
		"path of torch_unet.py (default: ../shared/bench/torch_unet.py from the current or executable's directory)")
}

// newBenchPix2PixCmd builds `im2im bench pix2pix`; the benchmark itself is ml/bench.
func newBenchPix2PixCmd() *cobra.Command {
	return newBenchModelCmd(bench.ModelPix2Pix, &cobra.Command{
		Use:   "pix2pix",
		Short: "Time pix2pix training steps (generator then discriminator update) on our backend and on PyTorch CPU",
		Long: `Trains pix2pix as model.framework: pix2pix does (generator U-Net 16-32-64-128 with
instance norm and PReLU, PatchGAN NF 64 with 3 stride-2 layers and the stride-1 layer,
vanilla GAN + 100·L1, Adam 2e-4 β1 0.5 for both nets; per step a generator update
against D, then a discriminator update on the real pair and the detached fake) on one
random batch and prints the median step time, then runs the same nets and step in
PyTorch (torch_pix2pix.py, built into im2im) with the same shape and threads and prints
both medians, their ratio (ours/torch) and both sides' parameter counts.`,
	}, "default 4 for 2D, 1 for 3D", "default 128,128 for 2D, 32,64,64 for 3D",
		"path of a PyTorch script to run instead of the built-in torch_pix2pix.py")
}

// newBenchEmbedSegCmd builds `im2im bench embedseg`; the benchmark itself is ml/bench.
func newBenchEmbedSegCmd() *cobra.Command {
	return newBenchModelCmd(bench.ModelEmbedSeg, &cobra.Command{
		Use:   "embedseg",
		Short: "Time EmbedSeg training steps (BranchedERFNet + spatial embedding loss) on our backend and on PyTorch CPU",
		Long: `Trains nets.BranchedERFNet (in 1, out 2·dims+1) with loss.SpatialEmbedding (grid step
1/1023, foreground weight 10, histogram Lovász hinge, max_instances 15) and Adam 5e-4 on one
batch of random input with 15 synthetic touching discs per crop, and prints the median
step time; then runs the same net and loss in PyTorch (torch_embedseg.py, built into
im2im: mmv's loop over instances with a sort-based Lovász hinge) with the same shape
and threads and prints both medians, their ratio (ours/torch) and both parameter counts.`,
	}, "default 4 for 2D, 1 for 3D", "default 128,128 for 2D, 32,64,64 for 3D",
		"path of a PyTorch script to run instead of the built-in torch_embedseg.py")
}

// newBenchModelCmd adds the options every benchmark shares to cmd and runs model.
func newBenchModelCmd(model string, cmd *cobra.Command, batchHelp, sizeHelp, torchHelp string) *cobra.Command {
	o := &bench.Options{Model: model}
	var noTorch bool
	cmd.Args = noArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return runBench(cmd.OutOrStdout(), o, noTorch)
	}
	f := cmd.Flags()
	f.IntVar(&o.Dims, "dims", 2, "spatial dimensions: 2 or 3")
	f.IntVar(&o.Batch, "batch", 0, "batch size ("+batchHelp+")")
	f.StringVar(&o.Size, "size", "", "spatial size, comma-separated ("+sizeHelp+")")
	f.IntVar(&o.Warmup, "warmup", -1, "untimed warm-up steps (default 2 for 2D, 1 for 3D)")
	f.IntVar(&o.Steps, "steps", 0, "timed steps (default 5 for 2D, 3 for 3D)")
	f.IntVar(&o.Threads, "threads", 2, "threads for both sides (GOMAXPROCS and torch.set_num_threads)")
	f.StringVar(&o.Backend, "backend", bench.DefaultBackend, "GoMLX backend configuration for our side (e.g. im2im-fast, im2im, go)")
	f.StringVar(&o.Python, "python", "/usr/bin/python3", "Python with PyTorch (Debian's python3-torch)")
	f.StringVar(&o.Torch, "torch", "", torchHelp)
	f.BoolVar(&noTorch, "no-torch", false, "time only our side")
	f.StringVar(&o.CPUProfile, "cpuprofile", "", "write a Go CPU profile of our timed steps to this file")
	f.StringVar(&o.MemProfile, "memprofile", "", "write a Go heap profile (allocations of the timed steps: -sample_index=alloc_space) to this file")
	f.BoolVar(&o.TorchCPU, "torch-cpu", true, "run the PyTorch script a second time (1 timed step) to derive its CPU seconds per step")
	f.IntVar(&o.Rounds, "rounds", 1, "rounds of both sides in turn (ours, torch, ours, …; each side in a fresh start): the ratio is the median of the rounds' ratios, which a machine whose speed drifts over minutes skews less")
	return cmd
}

// runBenchUNet runs the U-Net benchmark (o.Model is set to unet).
func runBenchUNet(w io.Writer, o *bench.Options, noTorch bool) error {
	o.Model = bench.ModelUNet
	return runBench(w, o, noTorch)
}

// runBench resolves the options (bad input: exit code 2), runs both sides (in
// o.Rounds alternating rounds) and prints the RESULT lines and the ratios.
func runBench(w io.Writer, o *bench.Options, noTorch bool) error {
	size, err := o.Resolve()
	if err != nil {
		return badInput(err)
	}
	flops := 0.0
	name := map[string]string{bench.ModelEmbedSeg: "embedseg", bench.ModelPix2Pix: "pix2pix"}[o.Model]
	if name == "" {
		name = "U-Net"
		flops = bench.ConvFLOPs(o.Batch, size)
	}
	fmt.Fprintf(w, "%s %dD, batch %d, size %s, %d warm-up + %d timed steps, %d threads", name,
		o.Dims, o.Batch, o.Size, o.Warmup, o.Steps, o.Threads)
	if flops > 0 {
		fmt.Fprintf(w, "; conv work %.2f GFLOP/step", flops/1e9)
	}
	if o.Rounds > 1 {
		fmt.Fprintf(w, "; %d alternating rounds", o.Rounds)
	}
	fmt.Fprintln(w)
	gflops := func(r bench.Result) string {
		if flops == 0 {
			return ""
		}
		return fmt.Sprintf(" conv_GFLOPs=%.1f", flops/r.Median/1e9)
	}
	var ratios, oursCPU []float64
	var ours, torch bench.Result
	for round := 1; round <= o.Rounds; round++ {
		if o.Rounds > 1 {
			fmt.Fprintf(w, "round %d of %d\n", round, o.Rounds)
		}
		if ours, err = benchOurs(w, *o, size); err != nil {
			return err
		}
		extra := ""
		if ours.Params != nil {
			extra = " " + bench.FormatParams(ours.Params)
		}
		oursCPU = append(oursCPU, ours.CPUPerStep)
		fmt.Fprintf(w, "RESULT ours backend=%s median_step_s=%.3f min=%.3f max=%.3f n=%d%s cpu_s_per_step=%.2f load=%s%s\n",
			o.Backend, ours.Median, ours.Min, ours.Max, ours.N, gflops(ours), ours.CPUPerStep, bench.LoadAverage(), extra)
		if noTorch {
			continue
		}
		to := *o
		to.TorchCPU = o.TorchCPU && round == o.Rounds // its extra run once, in the last round
		var version string
		if torch, version, err = bench.Torch(w, to); err != nil {
			return err
		}
		torchCPU := "unknown"
		if torch.CPUPerStep > 0 {
			torchCPU = fmt.Sprintf("%.2f", torch.CPUPerStep)
		}
		extra = ""
		if torch.Params != nil {
			extra = " " + bench.FormatParams(torch.Params)
		}
		fmt.Fprintf(w, "RESULT torch %s median_step_s=%.3f%s cpu_s_per_step=%s%s\n", version, torch.Median, gflops(torch), torchCPU, extra)
		ratios = append(ratios, ours.Median/torch.Median)
		if o.Rounds > 1 {
			fmt.Fprintf(w, "ROUND %d RATIO ours/torch = %.2f\n", round, ratios[len(ratios)-1])
		}
	}
	if noTorch {
		return nil
	}
	if o.Rounds > 1 {
		fmt.Fprintf(w, "RATIO ours/torch = %.2f (median of the %d rounds' ratios %s; ≤ 1 means ours is at least as fast); load average now %s on %d CPUs\n",
			bench.Summarize(ratios).Median, o.Rounds, formatRatios(ratios), bench.LoadAverage(), runtime.NumCPU())
	} else {
		fmt.Fprintf(w, "RATIO ours/torch = %.2f (≤ 1 means ours is at least as fast); load average now %s on %d CPUs\n",
			ratios[0], bench.LoadAverage(), runtime.NumCPU())
	}
	if c := bench.Summarize(oursCPU).Median; c > 0 && torch.CPUPerStep > 0 {
		fmt.Fprintf(w, "CPU RATIO ours/torch = %.2f (CPU seconds per step: less sensitive to other processes; PyTorch's OpenMP threads also spin while waiting)\n",
			c/torch.CPUPerStep)
	}
	if ours.Params != nil && torch.Params != nil {
		if msg := bench.CompareParams(ours.Params, torch.Params); msg != "" {
			return fmt.Errorf("the two sides' nets differ: %s", msg)
		}
		fmt.Fprintf(w, "PARAMS match: %s\n", bench.FormatParams(ours.Params))
	}
	return nil
}

// benchOurs times our side of o's model once.
func benchOurs(w io.Writer, o bench.Options, size []int) (bench.Result, error) {
	switch o.Model {
	case bench.ModelEmbedSeg:
		return bench.OursEmbedSeg(w, o, size)
	case bench.ModelPix2Pix:
		return bench.OursPix2Pix(w, o, size, bench.Pix2PixNets{})
	}
	return bench.Ours(w, o, size)
}

// formatRatios writes ratios as "0.91, 1.02, 0.88".
func formatRatios(r []float64) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = fmt.Sprintf("%.2f", v)
	}
	return strings.Join(parts, ", ")
}
