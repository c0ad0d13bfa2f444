package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/im2im/im2im/ml/bench"
)

// TestBenchUNetOursTiny trains the reference U-Net for one step on a tiny 2D and 3D input
// with the fast backend, through the same code path as the command.
func TestBenchUNetOursTiny(t *testing.T) {
	for _, tc := range []struct {
		dims int
		size string
	}{{2, "8,12"}, {3, "4,8,8"}} {
		var buf bytes.Buffer
		o := &bench.Options{Dims: tc.dims, Batch: 2, Size: tc.size, Warmup: 0, Steps: 1, Threads: 2, Backend: "im2im-fast"}
		if err := runBenchUNet(&buf, o, true); err != nil {
			t.Fatalf("%dD: %v\n%s", tc.dims, err, buf.String())
		}
		out := buf.String()
		if !strings.Contains(out, "RESULT ours backend=im2im-fast") || strings.Contains(out, "NaN") {
			t.Fatalf("%dD output:\n%s", tc.dims, out)
		}
	}
}

// TestBenchUNetBadOptions: options Resolve refuses are bad input (exit code 2).
func TestBenchUNetBadOptions(t *testing.T) {
	err := runBenchUNet(&bytes.Buffer{}, &bench.Options{Dims: 2, Size: "30,32", Threads: 2}, true)
	if exitCode(err) != exitBadInput || !strings.Contains(err.Error(), "multiples of 4") {
		t.Fatalf("err = %v (exit %d), want a --size error with exit code 2", err, exitCode(err))
	}
}

// TestBenchPix2PixBadOptions: a size the pix2pix nets cannot take is bad input (exit code 2).
func TestBenchPix2PixBadOptions(t *testing.T) {
	err := runBench(&bytes.Buffer{}, &bench.Options{Model: bench.ModelPix2Pix, Dims: 2, Size: "16,16", Threads: 2}, true)
	if exitCode(err) != exitBadInput || !strings.Contains(err.Error(), "≥ 24") {
		t.Fatalf("err = %v (exit %d), want a --size error with exit code 2", err, exitCode(err))
	}
}

// TestBenchUNetAgainstTorch runs both sides on a small shape; it needs Debian's
// python3-torch and ../shared/bench/torch_unet.py, and is skipped with -short.
func TestBenchUNetAgainstTorch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs PyTorch")
	}
	o := &bench.Options{Dims: 2, Batch: 1, Size: "16,16", Warmup: 0, Steps: 2, Threads: 1,
		Backend: "im2im-fast", Python: "/usr/bin/python3", TorchCPU: true}
	if _, _, err := bench.TorchScript(*o); err != nil {
		t.Skip(err)
	}
	if err := exec.Command(o.Python, "-c", "import torch").Run(); err != nil {
		t.Skip("no PyTorch in /usr/bin/python3 (Debian package python3-torch)")
	}
	var buf bytes.Buffer
	if err := runBenchUNet(&buf, o, false); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	// (The CPU ratio is printed only when PyTorch's two runs are even enough to tell.)
	if !strings.Contains(buf.String(), "RATIO ours/torch = ") || !strings.Contains(buf.String(), "RESULT torch ") {
		t.Fatalf("no ratio in output:\n%s", buf.String())
	}
}
