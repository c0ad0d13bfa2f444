package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/ml/bench"
)

// newBenchCmd builds `im2im bench` with its unet subcommand.
func newBenchCmd() *cobra.Command {
	cmd := commandGroup(&cobra.Command{Use: "bench", Short: "Benchmarks (training speed against PyTorch CPU)"})
	cmd.AddCommand(newBenchUNetCmd())
	return cmd
}

// newBenchUNetCmd builds `im2im bench unet`; the benchmark itself is ml/bench.
func newBenchUNetCmd() *cobra.Command {
	o := &bench.Options{}
	var noTorch bool
	cmd := &cobra.Command{
		Use:   "unet",
		Short: "Time training steps of the reference U-Net on our backend and on PyTorch CPU, side by side",
		Long: `Trains the reference U-Net (base 16: two conv3+BN+ReLU per level, max-pool,
ConvTranspose k2 s2 as 1x1 conv + depth-to-space, skip concat, 1x1 out; MSE; Adam 1e-3)
on random data and prints the median step time, then runs the PyTorch script
(../shared/bench/torch_unet.py) with the same shape and threads and prints both medians,
their ratio (ours/torch) and the convolution GFLOP/s achieved.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchUNet(cmd.OutOrStdout(), o, noTorch)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Dims, "dims", 2, "spatial dimensions: 2 or 3")
	f.IntVar(&o.Batch, "batch", 0, "batch size (default 8 for 2D, 2 for 3D)")
	f.StringVar(&o.Size, "size", "", "spatial size, comma-separated (default 128,128 for 2D, 32,64,64 for 3D)")
	f.IntVar(&o.Warmup, "warmup", -1, "untimed warm-up steps (default 2 for 2D, 1 for 3D)")
	f.IntVar(&o.Steps, "steps", 0, "timed steps (default 5 for 2D, 3 for 3D)")
	f.IntVar(&o.Threads, "threads", 2, "threads for both sides (GOMAXPROCS and torch.set_num_threads)")
	f.StringVar(&o.Backend, "backend", bench.DefaultBackend, "GoMLX backend configuration for our side (e.g. im2im-fast, im2im, go)")
	f.StringVar(&o.Python, "python", "/usr/bin/python3", "Python with PyTorch (Debian's python3-torch)")
	f.StringVar(&o.Torch, "torch", "", "path of torch_unet.py (default: ../shared/bench/torch_unet.py from the current or executable's directory)")
	f.BoolVar(&noTorch, "no-torch", false, "time only our side")
	f.StringVar(&o.CPUProfile, "cpuprofile", "", "write a Go CPU profile of our timed steps to this file")
	f.StringVar(&o.MemProfile, "memprofile", "", "write a Go heap profile (allocations of the timed steps: -sample_index=alloc_space) to this file")
	f.BoolVar(&o.TorchCPU, "torch-cpu", true, "run the PyTorch script a second time (1 timed step) to derive its CPU seconds per step")
	return cmd
}

// runBenchUNet resolves the options (bad input: exit code 2), runs both sides and
// prints the RESULT lines and the ratios.
func runBenchUNet(w io.Writer, o *bench.Options, noTorch bool) error {
	size, err := o.Resolve()
	if err != nil {
		return badInput(err)
	}
	flops := bench.ConvFLOPs(o.Batch, size)
	fmt.Fprintf(w, "U-Net %dD, batch %d, size %s, %d warm-up + %d timed steps, %d threads; conv work %.2f GFLOP/step\n",
		o.Dims, o.Batch, o.Size, o.Warmup, o.Steps, o.Threads, flops/1e9)
	ours, err := bench.Ours(w, *o, size)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "RESULT ours backend=%s median_step_s=%.3f min=%.3f max=%.3f n=%d conv_GFLOPs=%.1f cpu_s_per_step=%.2f load=%s\n",
		o.Backend, ours.Median, ours.Min, ours.Max, ours.N, flops/ours.Median/1e9, ours.CPUPerStep, bench.LoadAverage())
	if noTorch {
		return nil
	}
	torch, version, err := bench.Torch(w, *o)
	if err != nil {
		return err
	}
	torchCPU := "unknown"
	if torch.CPUPerStep > 0 {
		torchCPU = fmt.Sprintf("%.2f", torch.CPUPerStep)
	}
	fmt.Fprintf(w, "RESULT torch %s median_step_s=%.3f conv_GFLOPs=%.1f cpu_s_per_step=%s\n", version, torch.Median, flops/torch.Median/1e9, torchCPU)
	fmt.Fprintf(w, "RATIO ours/torch = %.2f (≤ 1 means ours is at least as fast); load average now %s on %d CPUs\n",
		ours.Median/torch.Median, bench.LoadAverage(), runtime.NumCPU())
	if ours.CPUPerStep > 0 && torch.CPUPerStep > 0 {
		fmt.Fprintf(w, "CPU RATIO ours/torch = %.2f (CPU seconds per step: less sensitive to other processes; PyTorch's OpenMP threads also spin while waiting)\n",
			ours.CPUPerStep/torch.CPUPerStep)
	}
	return nil
}
