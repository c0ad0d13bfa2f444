package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
)

func TestBenchOptionsResolve(t *testing.T) {
	cases := []struct {
		name    string
		o       benchOptions
		want    []int
		wantErr string
	}{
		{name: "2d defaults", o: benchOptions{dims: 2, warmup: -1, threads: 2}, want: []int{128, 128}},
		{name: "3d defaults", o: benchOptions{dims: 3, warmup: -1, threads: 2}, want: []int{32, 64, 64}},
		{name: "bad dims", o: benchOptions{dims: 4, threads: 2}, wantErr: "--dims"},
		{name: "size rank", o: benchOptions{dims: 3, size: "32,32", threads: 2}, wantErr: "want 3 values"},
		{name: "size not multiple of 4", o: benchOptions{dims: 2, size: "30,32", threads: 2}, wantErr: "multiples of 4"},
		{name: "size junk", o: benchOptions{dims: 2, size: "a,b", threads: 2}, wantErr: "--size"},
		{name: "no threads", o: benchOptions{dims: 2, threads: 0}, wantErr: "--threads"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			got, err := o.resolve()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) || got[0] != tc.want[0] || got[len(got)-1] != tc.want[len(got)-1] {
				t.Fatalf("size = %v, want %v", got, tc.want)
			}
			if o.batch < 1 || o.steps < 1 || o.warmup < 0 {
				t.Fatalf("defaults not filled: %+v", o)
			}
		})
	}
}

func TestParseTorchResult(t *testing.T) {
	out := "step 0: 1.0s loss=1\nRESULT torch 1.13.0a0 threads=2 dims=2 median_step_s=0.492 min=0.480 max=0.530 n=5\nmaxrss_MB 300\n"
	r, version, err := parseTorchResult(out)
	if err != nil {
		t.Fatal(err)
	}
	if version != "1.13.0a0" || r.median != 0.492 || r.min != 0.480 || r.max != 0.530 || r.n != 5 {
		t.Fatalf("parsed %+v, version %q", r, version)
	}
	if _, _, err := parseTorchResult("Traceback: no module named torch\n"); err == nil || !strings.Contains(err.Error(), "no RESULT") {
		t.Fatalf("err = %v, want a missing-RESULT error", err)
	}
}

// TestUnetConvFLOPs checks the 2D reference case against the issue's ~19 GFLOP per step
// and the 3D/2D ratio implied by the network (same channels, 2·64·64/(128·128)·... voxels).
func TestUnetConvFLOPs(t *testing.T) {
	f2 := unetConvFLOPs(8, []int{128, 128})
	if math.Abs(f2/1e9-19.05) > 0.05 {
		t.Fatalf("2D step = %.3f GFLOP, want ≈ 19.05", f2/1e9)
	}
	// One 3×3 conv 1→16 on a 4×4 image, batch 1: 2·16·16·9 = 4608 forward FLOPs; the total
	// must exceed three times that.
	if f := unetConvFLOPs(1, []int{4, 4}); f < 3*4608 {
		t.Fatalf("tiny step = %v FLOPs, want > %v", f, 3*4608)
	}
	if f3 := unetConvFLOPs(2, []int{32, 64, 64}); f3 <= f2 {
		t.Fatalf("3D step %.2f GFLOP should exceed the 2D step %.2f", f3/1e9, f2/1e9)
	}
}

func TestProcessCPUSeconds(t *testing.T) {
	c0 := processCPUSeconds()
	if c0 < 0 {
		t.Skip("no /proc/self/stat")
	}
	x := 0.0
	for i := 0; i < 30_000_000; i++ { // burn ~30 ms of CPU
		x += float64(i) * 1e-9
	}
	if c1 := processCPUSeconds(); c1 < c0 || x == 0 {
		t.Fatalf("CPU time went from %v to %v", c0, c1)
	}
}

func TestSummarize(t *testing.T) {
	r := summarize([]float64{3, 1, 2, 10})
	if r.median != 2.5 || r.min != 1 || r.max != 10 || r.n != 4 {
		t.Fatalf("summarize = %+v", r)
	}
}

// TestBenchUNetOursTiny trains the reference U-Net for one step on a tiny 2D and 3D input
// with the fast backend, through the same code path as the command.
func TestBenchUNetOursTiny(t *testing.T) {
	for _, tc := range []struct {
		dims int
		size string
	}{{2, "8,12"}, {3, "4,8,8"}} {
		var buf bytes.Buffer
		o := &benchOptions{dims: tc.dims, batch: 2, size: tc.size, warmup: 0, steps: 1, threads: 2,
			backend: "im2im-fast", noTorch: true}
		if err := runBenchUNet(&buf, o); err != nil {
			t.Fatalf("%dD: %v\n%s", tc.dims, err, buf.String())
		}
		out := buf.String()
		if !strings.Contains(out, "RESULT ours backend=im2im-fast") || strings.Contains(out, "NaN") {
			t.Fatalf("%dD output:\n%s", tc.dims, out)
		}
	}
}

// TestBenchUNetAgainstTorch runs both sides on a small shape; it needs Debian's
// python3-torch and ../shared/bench/torch_unet.py, and is skipped with -short.
func TestBenchUNetAgainstTorch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs PyTorch")
	}
	o := &benchOptions{dims: 2, batch: 1, size: "16,16", warmup: 0, steps: 2, threads: 1,
		backend: "im2im-fast", python: "/usr/bin/python3", torchCPU: true}
	if _, err := torchScript(o); err != nil {
		t.Skip(err)
	}
	if err := exec.Command(o.python, "-c", "import torch").Run(); err != nil {
		t.Skip("no PyTorch in /usr/bin/python3 (Debian package python3-torch)")
	}
	var buf bytes.Buffer
	if err := runBenchUNet(&buf, o); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	// (The CPU ratio is printed only when PyTorch's two runs are even enough to tell.)
	if !strings.Contains(buf.String(), "RATIO ours/torch = ") || !strings.Contains(buf.String(), "RESULT torch ") {
		t.Fatalf("no ratio in output:\n%s", buf.String())
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
	n := 1
	for _, d := range dims {
		n *= d
	}
	r := rand.New(rand.NewPCG(11, 12))
	mk := func() *tensors.Tensor {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		return tensors.FromFlatDataAndDimensions(v, dims...)
	}
	x, y := mk(), mk()
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(5); err != nil {
		t.Fatal(err)
	}
	opt := optimizers.StochasticGradientDescent().WithDecay(false).WithLearningRate(0.05).Done()
	trainer := train.NewTrainer(be, ctx, referenceUNet, losses.MeanSquaredError, opt, nil, nil)
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

// FuzzParseTorchResult feeds arbitrary script output to the RESULT parser: it must never
// panic, and a parsed result must have consistent fields.
func FuzzParseTorchResult(f *testing.F) {
	f.Add("RESULT torch 1.13.0a0 threads=2 dims=2 median_step_s=0.492 min=0.480 max=0.530 n=5\n")
	f.Add("step 0: 1s\nRESULT torch x threads=1 dims=3 median_step_s=1e400 min=0 max=0 n=99999999999999999999\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, out string) {
		r, version, err := parseTorchResult(out)
		if err != nil {
			return
		}
		if version == "" || r.n < 0 || r.median < 0 || r.min < 0 || r.max < 0 {
			t.Fatalf("inconsistent parse of %q: %+v version %q", out, r, version)
		}
	})
}

// FuzzBenchSize feeds arbitrary --size values to the option resolver: it must never
// panic, and accepted sizes have one positive multiple of 4 per dimension.
func FuzzBenchSize(f *testing.F) {
	f.Add(2, "128,128")
	f.Add(3, "32, 64 ,64")
	f.Add(3, ",,")
	f.Fuzz(func(t *testing.T, dims int, size string) {
		o := benchOptions{dims: dims, size: size, threads: 2, warmup: -1}
		got, err := o.resolve()
		if err != nil {
			return
		}
		if len(got) != dims {
			t.Fatalf("%q for %d dims gave %v", size, dims, got)
		}
		for _, v := range got {
			if v < 4 || v%4 != 0 {
				t.Fatalf("%q gave size %v", size, got)
			}
		}
	})
}
