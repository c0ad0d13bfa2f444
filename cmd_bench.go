package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/spf13/cobra"

	_ "github.com/im2im/im2im/ml/backend" // registers the "im2im" pure-Go backend
	"github.com/im2im/im2im/ml/backend/fast"
	"github.com/im2im/im2im/ml/backend/kernels"
	"github.com/im2im/im2im/ml/nn"
)

// benchOptions are the flags of `im2im bench unet`.
type benchOptions struct {
	dims          int
	batch         int
	size          string
	warmup, steps int
	threads       int
	backend       string
	python, torch string
	noTorch       bool
	cpuProfile    string
	memProfile    string
	torchCPU      bool
}

func init() {
	o := &benchOptions{}
	unet := &cobra.Command{
		Use:   "unet",
		Short: "Time training steps of the reference U-Net on our backend and on PyTorch CPU, side by side",
		Long: `Trains the reference U-Net (base 16: two conv3+BN+ReLU per level, max-pool,
ConvTranspose k2 s2 as 1x1 conv + depth-to-space, skip concat, 1x1 out; MSE; Adam 1e-3)
on random data and prints the median step time, then runs the PyTorch script
(../shared/bench/torch_unet.py) with the same shape and threads and prints both medians,
their ratio (ours/torch) and the convolution GFLOP/s achieved.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := runBenchUNet(cmd.OutOrStdout(), o); err != nil {
				return &exitError{code: 2, err: err}
			}
			return nil
		},
	}
	f := unet.Flags()
	f.IntVar(&o.dims, "dims", 2, "spatial dimensions: 2 or 3")
	f.IntVar(&o.batch, "batch", 0, "batch size (default 8 for 2D, 2 for 3D)")
	f.StringVar(&o.size, "size", "", "spatial size, comma-separated (default 128,128 for 2D, 32,64,64 for 3D)")
	f.IntVar(&o.warmup, "warmup", -1, "untimed warm-up steps (default 2 for 2D, 1 for 3D)")
	f.IntVar(&o.steps, "steps", 0, "timed steps (default 5 for 2D, 3 for 3D)")
	f.IntVar(&o.threads, "threads", 2, "threads for both sides (GOMAXPROCS and torch.set_num_threads)")
	f.StringVar(&o.backend, "backend", fast.Name, "GoMLX backend configuration for our side (e.g. im2im-fast, im2im, go)")
	f.StringVar(&o.python, "python", "/usr/bin/python3", "Python with PyTorch (Debian's python3-torch)")
	f.StringVar(&o.torch, "torch", "", "path of torch_unet.py (default: ../shared/bench/torch_unet.py from the current or executable's directory)")
	f.BoolVar(&o.noTorch, "no-torch", false, "time only our side")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a Go CPU profile of our timed steps to this file")
	f.StringVar(&o.memProfile, "memprofile", "", "write a Go heap profile (allocations of the timed steps: -sample_index=alloc_space) to this file")
	f.BoolVar(&o.torchCPU, "torch-cpu", true, "run the PyTorch script a second time (1 timed step) to derive its CPU seconds per step")
	bench := &cobra.Command{Use: "bench", Short: "Benchmarks (training speed against PyTorch CPU)"}
	bench.AddCommand(unet)
	rootCmd.AddCommand(bench)
}

// resolve fills the per-dimension defaults and validates the options.
func (o *benchOptions) resolve() ([]int, error) {
	if o.dims != 2 && o.dims != 3 {
		return nil, fmt.Errorf("--dims: want 2 or 3, got %d", o.dims)
	}
	def := map[int]struct {
		batch, warm, steps int
		size               string
	}{2: {8, 2, 5, "128,128"}, 3: {2, 1, 3, "32,64,64"}}[o.dims]
	if o.batch == 0 {
		o.batch = def.batch
	}
	if o.size == "" {
		o.size = def.size
	}
	if o.warmup < 0 {
		o.warmup = def.warm
	}
	if o.steps == 0 {
		o.steps = def.steps
	}
	if o.batch < 1 || o.steps < 1 || o.threads < 1 {
		return nil, fmt.Errorf("--batch %d, --steps %d, --threads %d: each must be ≥ 1", o.batch, o.steps, o.threads)
	}
	var size []int
	for _, s := range strings.Split(o.size, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 4 || v%4 != 0 {
			return nil, fmt.Errorf("--size %q: want %d positive multiples of 4 (two 2× poolings), comma-separated", o.size, o.dims)
		}
		size = append(size, v)
	}
	if len(size) != o.dims {
		return nil, fmt.Errorf("--size %q: want %d values for --dims %d", o.size, o.dims, o.dims)
	}
	return size, nil
}

// unetBlock is conv3+BN+ReLU twice, as in the PyTorch script (convs with bias).
func unetBlock(ctx *context.Context, x *graph.Node, out int) *graph.Node {
	for i := range 2 {
		c := ctx.In(fmt.Sprintf("c%d", i))
		x = nn.Conv(c.In("conv"), x, out, 3, 1, true)
		x = nn.Norm(c.In("norm"), x, nn.NormBatch)
		x = nn.Activate(x, "relu")
	}
	return x
}

// referenceUNet is the network of torch_unet.py (base 16, two levels down).
func referenceUNet(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
	const b = 16
	x := inputs[0]
	e1 := unetBlock(ctx.In("e1"), x, b)
	e2 := unetBlock(ctx.In("e2"), nn.MaxPool(e1, 2, 2), 2*b)
	bt := unetBlock(ctx.In("bt"), nn.MaxPool(e2, 2, 2), 4*b)
	u2 := nn.UpConv(ctx.In("u2"), bt, 2*b)
	d2 := unetBlock(ctx.In("d2"), graph.Concatenate([]*graph.Node{u2, e2}, 1), 2*b)
	u1 := nn.UpConv(ctx.In("u1"), d2, b)
	d1 := unetBlock(ctx.In("d1"), graph.Concatenate([]*graph.Node{u1, e1}, 1), b)
	return []*graph.Node{nn.Conv(ctx.In("out"), d1, 1, 1, 1, true)}
}

// unetConvFLOPs counts the multiply-adds ×2 of one training step's convolutions
// (forward, input gradient and kernel gradient: 3× the forward; the first layer's input
// gradient is counted too, as PyTorch's would not be — a 1-channel layer, negligible).
func unetConvFLOPs(batch int, size []int) float64 {
	d := len(size)
	vox := 1.0
	for _, s := range size {
		vox *= float64(s)
	}
	k3 := 1.0
	for range d {
		k3 *= 3
	}
	up := float64(int(1) << d) // 2^d
	conv := func(cin, cout int, voxels, taps float64) float64 {
		return 2 * float64(batch) * voxels * float64(cin*cout) * taps
	}
	const b = 16
	v1, v2, v3 := vox, vox/up, vox/up/up
	fwd := conv(1, b, v1, k3) + conv(b, b, v1, k3) +
		conv(b, 2*b, v2, k3) + conv(2*b, 2*b, v2, k3) +
		conv(2*b, 4*b, v3, k3) + conv(4*b, 4*b, v3, k3) +
		conv(4*b, 2*b, v3, up) + // ConvTranspose k2 s2: each input voxel emits 2^d outputs
		conv(4*b, 2*b, v2, k3) + conv(2*b, 2*b, v2, k3) +
		conv(2*b, b, v2, up) +
		conv(2*b, b, v1, k3) + conv(b, b, v1, k3) +
		conv(b, 1, v1, 1)
	return 3 * fwd
}

// benchResult is one side's timing.
type benchResult struct {
	median, min, max float64
	n                int
	cpuPerStep       float64 // process CPU seconds per timed step (0 if unknown)
}

func summarize(ts []float64) benchResult {
	s := slices.Clone(ts)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return benchResult{median: med, min: s[0], max: s[len(s)-1], n: len(s)}
}

// runOurs trains the reference U-Net on random data and returns the timed step durations.
func runOurs(w io.Writer, o *benchOptions, size []int) (benchResult, error) {
	prev := runtime.GOMAXPROCS(o.threads)
	defer runtime.GOMAXPROCS(prev)
	be, err := backends.NewWithConfig(o.backend)
	if err != nil {
		return benchResult{}, fmt.Errorf("--backend %q: %w", o.backend, err)
	}
	defer be.Finalize()
	fmt.Fprintf(w, "ours: backend %s (%s), GEMM micro-kernel %s, GOMAXPROCS %d\n", be.String(), be.Name(), kernels.ActivePath(), o.threads)
	dims := append([]int{o.batch, 1}, size...)
	n := 1
	for _, v := range dims {
		n *= v
	}
	r := rand.New(rand.NewPCG(0, 1))
	mk := func() *tensors.Tensor {
		d := make([]float32, n)
		for i := range d {
			d[i] = float32(r.NormFloat64())
		}
		return tensors.FromFlatDataAndDimensions(d, dims...)
	}
	x, y := mk(), mk()
	ctx := context.New()
	ctx.SetParam(optimizers.ParamLearningRate, 1e-3)
	trainer := train.NewTrainer(be, ctx, referenceUNet, losses.MeanSquaredError, optimizers.Adam().Done(), nil, nil)
	var ts []float64
	var cpu0 float64
	for i := 0; i < o.warmup+o.steps; i++ {
		if i == o.warmup {
			cpu0 = processCPUSeconds()
		}
		if i == o.warmup && o.memProfile != "" {
			runtime.MemProfileRate = 64 << 10
		}
		if i == o.warmup && o.cpuProfile != "" {
			pf, err := os.Create(o.cpuProfile)
			if err != nil {
				return benchResult{}, fmt.Errorf("--cpuprofile: %w", err)
			}
			if err := pprof.StartCPUProfile(pf); err != nil {
				pf.Close()
				return benchResult{}, fmt.Errorf("--cpuprofile: %w", err)
			}
			defer func() { pprof.StopCPUProfile(); pf.Close() }()
		}
		t0 := time.Now()
		m, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y})
		if err != nil {
			return benchResult{}, fmt.Errorf("training step %d: %w", i, err)
		}
		loss := m[0].Value()
		el := time.Since(t0).Seconds()
		if i >= o.warmup {
			ts = append(ts, el)
		}
		fmt.Fprintf(w, "ours step %d: %.3fs loss=%v\n", i, el, loss)
	}
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return benchResult{}, fmt.Errorf("--memprofile: %w", err)
		}
	}
	res := summarize(ts)
	if cpu0 >= 0 {
		if c := processCPUSeconds(); c >= 0 {
			res.cpuPerStep = (c - cpu0) / float64(o.steps)
		}
	}
	return res, nil
}

// writeHeapProfile writes the heap profile (allocations since MemProfileRate was set) to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC() // the profile reflects the state as of the last GC
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// processCPUSeconds returns this process's user+system CPU time from /proc/self/stat
// (Linux), or -1 where that is not available. With N busy threads and an idle machine it
// grows N times faster than the wall clock; on a shared machine it shows how much of a
// step's wall time we actually ran.
func processCPUSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// Fields after the parenthesized command name; utime and stime are fields 14 and 15.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return -1
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	const clockTicks = 100 // USER_HZ on Linux
	return (ut + st) / clockTicks
}

// torchResultRe matches the RESULT line of torch_unet.py.
var torchResultRe = regexp.MustCompile(`^RESULT torch (\S+) threads=(\d+) dims=(\d) median_step_s=([0-9.]+) min=([0-9.]+) max=([0-9.]+) n=(\d+)`)

// parseTorchResult finds the RESULT line in the script's output.
func parseTorchResult(out string) (benchResult, string, error) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := torchResultRe.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		var r benchResult
		var err1, err2, err3, err4 error
		r.median, err1 = strconv.ParseFloat(m[4], 64)
		r.min, err2 = strconv.ParseFloat(m[5], 64)
		r.max, err3 = strconv.ParseFloat(m[6], 64)
		r.n, err4 = strconv.Atoi(m[7])
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return r, "", fmt.Errorf("torch RESULT line %q: %w", sc.Text(), err)
		}
		return r, m[1], nil
	}
	return benchResult{}, "", fmt.Errorf("torch script printed no RESULT line; its output ends with:\n%s", tail(out, 800))
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// torchScript returns the path of torch_unet.py.
func torchScript(o *benchOptions) (string, error) {
	if o.torch != "" {
		if _, err := os.Stat(o.torch); err != nil {
			return "", fmt.Errorf("--torch: %w", err)
		}
		return o.torch, nil
	}
	var tried []string
	dirs := []string{"."}
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Dir(exe))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "..", "shared", "bench", "torch_unet.py")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("torch_unet.py not found (tried %s); pass --torch or --no-torch", strings.Join(tried, ", "))
}

func runTorch(w io.Writer, o *benchOptions) (benchResult, string, error) {
	script, err := torchScript(o)
	if err != nil {
		return benchResult{}, "", err
	}
	run := func(steps int) (string, float64, error) {
		args := []string{script, strconv.Itoa(o.dims), strconv.Itoa(o.batch), o.size,
			strconv.Itoa(o.warmup), strconv.Itoa(steps), strconv.Itoa(o.threads)}
		fmt.Fprintf(w, "torch: %s %s\n", o.python, strings.Join(args, " "))
		cmd := exec.Command(o.python, args...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", 0, fmt.Errorf("%s %s: %w\n%s", o.python, script, err, tail(string(out), 800))
		}
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		return string(out), cpu.Seconds(), nil
	}
	out, cpuAll, err := run(o.steps)
	if err != nil {
		return benchResult{}, "", err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fmt.Fprintf(w, "torch %s\n", line)
	}
	res, version, err := parseTorchResult(out)
	if err != nil || !o.torchCPU || o.steps < 2 {
		return res, version, err
	}
	// CPU per step: the difference with a run of one timed step removes start-up and warm-up.
	_, cpuOne, err := run(1)
	if err != nil {
		return res, version, err
	}
	if c := (cpuAll - cpuOne) / float64(o.steps-1); c > 0 {
		res.cpuPerStep = c // else the two runs were too uneven to tell
	}
	return res, version, nil
}

func runBenchUNet(w io.Writer, o *benchOptions) error {
	size, err := o.resolve()
	if err != nil {
		return err
	}
	flops := unetConvFLOPs(o.batch, size)
	fmt.Fprintf(w, "U-Net %dD, batch %d, size %s, %d warm-up + %d timed steps, %d threads; conv work %.2f GFLOP/step\n",
		o.dims, o.batch, o.size, o.warmup, o.steps, o.threads, flops/1e9)
	ours, err := runOurs(w, o, size)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "RESULT ours backend=%s median_step_s=%.3f min=%.3f max=%.3f n=%d conv_GFLOPs=%.1f cpu_s_per_step=%.2f load=%s\n",
		o.backend, ours.median, ours.min, ours.max, ours.n, flops/ours.median/1e9, ours.cpuPerStep, loadAverage())
	if o.noTorch {
		return nil
	}
	torch, version, err := runTorch(w, o)
	if err != nil {
		return err
	}
	torchCPU := "unknown"
	if torch.cpuPerStep > 0 {
		torchCPU = fmt.Sprintf("%.2f", torch.cpuPerStep)
	}
	fmt.Fprintf(w, "RESULT torch %s median_step_s=%.3f conv_GFLOPs=%.1f cpu_s_per_step=%s\n", version, torch.median, flops/torch.median/1e9, torchCPU)
	fmt.Fprintf(w, "RATIO ours/torch = %.2f (≤ 1 means ours is at least as fast); load average now %s on %d CPUs\n",
		ours.median/torch.median, loadAverage(), runtime.NumCPU())
	if ours.cpuPerStep > 0 && torch.cpuPerStep > 0 {
		fmt.Fprintf(w, "CPU RATIO ours/torch = %.2f (CPU seconds per step: less sensitive to other processes; PyTorch's OpenMP threads also spin while waiting)\n",
			ours.cpuPerStep/torch.cpuPerStep)
	}
	return nil
}

// loadAverage returns the 1-minute load average (Linux), or "?"; other engineers'
// processes on a shared machine inflate both sides' times.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
