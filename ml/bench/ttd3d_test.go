package bench

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/ml/nets"
)

func TestDenoise3DOptionsResolve(t *testing.T) {
	cases := []struct {
		name      string
		o         Denoise3DOptions
		evalEvery int
		wantErr   string
	}{
		{name: "the notebook's", o: Denoise3DOptions{}, evalEvery: 10},
		{name: "batch 2, 3 per volume", o: Denoise3DOptions{Batch: 2, PerImage: 3}, evalEvery: 15},
		{name: "patch not multiple of 4", o: Denoise3DOptions{Patch: []int{16, 30, 30}}, wantErr: "--patch [16 30 30]"},
		{name: "patch larger than the volume", o: Denoise3DOptions{Patch: []int{64, 32, 32}}, wantErr: "--patch [64 32 32]"},
		{name: "two values", o: Denoise3DOptions{Volume: []int{64, 64}}, wantErr: "--volume [64 64]"},
		{name: "rotations need Y = X", o: Denoise3DOptions{Patch: []int{16, 32, 16}}, wantErr: "want Y = X"},
		{name: "batch beyond an epoch", o: Denoise3DOptions{Train: 1, PerImage: 2, Batch: 4}, wantErr: "--batch 4"},
		{name: "gains not increasing", o: Denoise3DOptions{Gains: []float64{4, 3}}, wantErr: "--gains [4 3]"},
		{name: "negative budget", o: Denoise3DOptions{MaxTrainS: -1}, wantErr: "--max-train-s -1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			err := o.Resolve()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := o.EvalEvery(); got != tc.evalEvery {
				t.Errorf("EvalEvery = %d, want %d", got, tc.evalEvery)
			}
		})
	}
}

func TestMeanPSNR(t *testing.T) {
	cases := []struct {
		name         string
		pred, target []float32
		n            int
		want         float64
	}{
		// range 1, MSE 0.01/4: 10·log10(400)
		{name: "one sample", pred: []float32{0, 1, 0, 0.9}, target: []float32{0, 1, 0, 1}, n: 1, want: 10 * math.Log10(400)},
		// samples of two voxels: range 1, MSE 0.01/2; range 2, MSE 1; the mean of both
		{name: "two samples", pred: []float32{0, 0.9, 1, 1}, target: []float32{0, 1, 0, 2}, n: 2,
			want: (10*math.Log10(1/(0.01/2)) + 10*math.Log10(4/1.0)) / 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := MeanPSNR(tc.pred, tc.target, tc.n); math.Abs(got-tc.want) > 1e-4 {
				t.Errorf("MeanPSNR = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGainTargetsClock(t *testing.T) {
	tg := GainTargets("psnr", 20.5, []float64{4, 7.5})
	if strings.Join(tg.Keys, ",") != "+4dB,+7.5dB" || tg.Values[0] != 24.5 || tg.Values[1] != 28 {
		t.Fatalf("targets %+v", tg)
	}
	// steps of 1 s, validations of 0.5 s (in the wall time): +4 dB at step 2, +7.5 at step 3.
	c := newTTDClock(tg, fakeNow(1, 1, 0.5, 1, 0.5, 0))
	c.Step(1)
	c.Step(2)
	if c.Validated(2, 25) {
		t.Fatal("done at 25 dB")
	}
	c.Step(3)
	if !c.Validated(3, 28.2) {
		t.Fatal("not done at 28.2 dB")
	}
	r := c.Result()
	line := tg.Format("ours", r)
	for _, s := range []string{"best_psnr=28.2000", "psnr+4dB=step 2/2.0s/2.5s", "psnr+7.5dB=step 3/3.0s/4.0s"} {
		if !strings.Contains(line, s) {
			t.Errorf("%q lacks %q", line, s)
		}
	}
	torch := TTDResult{Reached: map[string]Reached{"+4dB": {10, 4, 5}}}
	if got := tg.Ratios(r, torch); len(got) != 1 || got["+4dB"] != 0.5 {
		t.Errorf("ratios %v, want only +4dB: 0.5", got)
	}
}

func TestParseDenoise3DJSON(t *testing.T) {
	b, err := os.ReadFile("testdata/ttd3d_torch.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseDenoise3DJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if r.Params != 339259 || r.EvalEvery != 10 || r.Steps == 0 || r.Best < 20 || len(r.Reached) == 0 {
		t.Fatalf("parsed %+v", r)
	}
	for _, bad := range []string{`{"steps": 10, "params": 5}`, `{"steps": 10, "best_val_psnr": 20}`, `{"steps": 0, "params": 5, "best_val_psnr": 20}`, `[`} {
		if _, err := ParseDenoise3DJSON([]byte(bad)); err == nil {
			t.Errorf("no error for %s", bad)
		}
	}
}

// tinyDenoise3D is a small data set of the task: 2 + 1 volumes of 8×16×16.
func tinyDenoise3D(t *testing.T) Denoise3DOptions {
	o := Denoise3DOptions{Dir: t.TempDir(), Train: 2, Val: 1, Volume: []int{8, 16, 16}, Patch: []int{8, 8, 8}, PerImage: 2, Batch: 2, MaxTrainS: 0.5}
	if err := o.Resolve(); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestPrepareDenoise3DData(t *testing.T) {
	o := tinyDenoise3D(t)
	var buf bytes.Buffer
	d, err := PrepareDenoise3DData(&buf, o)
	if err != nil {
		t.Fatal(err)
	}
	var noisy, clean []float32
	for _, role := range []string{"im", "gt"} {
		for _, split := range []struct {
			name, dir string
			n         int
		}{{"train", o.TrainDir(), o.Train}, {"val", o.ValDir(), o.Val}} {
			got, _, _, err := imageio.ReadFloat32(filepath.Join(o.DataDir(), split.name+"_"+role+".npy"), imageio.Selection{})
			if err != nil {
				t.Fatal(err)
			}
			want, err := stackVolumes(split.dir, strings.ToUpper(role), split.n, o.Volume)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) || len(got) != split.n*8*16*16 {
				t.Fatalf("%s %s: %d values in the NPY, %d in the TIFFs", split.name, role, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s %s: value %d: NPY %v, TIFF %v", split.name, role, i, got[i], want[i])
				}
			}
			if split.name == "val" && role == "im" {
				noisy = got
			} else if split.name == "val" {
				clean = got
			}
		}
	}
	if want := MeanPSNR(noisy, clean, o.Val); d.NoisyPSNR != want || d.NoisyPSNR < 5 || d.NoisyPSNR > 40 {
		t.Errorf("NoisyPSNR %v, want %v (a noisy input's few tens of dB)", d.NoisyPSNR, want)
	}
	// A second call keeps the files.
	st, _ := os.Stat(filepath.Join(o.DataDir(), "val_gt.npy"))
	buf.Reset()
	if d2, err := PrepareDenoise3DData(&buf, o); err != nil || d2 != d || buf.Len() != 0 {
		t.Errorf("second call: %+v, %v, output %q", d2, err, buf.String())
	}
	if st2, _ := os.Stat(filepath.Join(o.DataDir(), "val_gt.npy")); !st2.ModTime().Equal(st.ModTime()) {
		t.Error("val_gt.npy was rewritten")
	}
}

// TestTorchDenoise3DParams runs the built-in PyTorch reference for a fraction
// of a second on tiny volumes (skipped without Python's torch) and checks that
// its net counts our nets.UNet's parameters and that it validated.
func TestTorchDenoise3DParams(t *testing.T) {
	o := tinyDenoise3D(t)
	// Room for the two steps before the first validation even when a loaded
	// machine makes one step take over a second (0.5 s gave one step and no
	// validation at load 9).
	o.MaxTrainS = 4
	if err := exec.Command(o.Python, "-c", "import torch, numpy").Run(); err != nil {
		t.Skipf("%s has no torch/numpy: %v", o.Python, err)
	}
	d, err := PrepareDenoise3DData(&bytes.Buffer{}, o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	r, err := TorchDenoise3D(&buf, o, GainTargets("psnr", d.NoisyPSNR, o.Gains))
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	ours, err := NetParams(DefaultBackend, nets.UNet{Dims: 3, Features: []int{16, 32, 64}, OutChannels: 1, Norm: "none"}, []int{1, 1, 8, 8, 8})
	if err != nil {
		t.Fatal(err)
	}
	if r.Params != ours || r.Steps < o.EvalEvery() || r.EvalEvery != o.EvalEvery() || math.IsNaN(r.Best) || r.CPUS <= 0 {
		t.Errorf("torch %+v (params %d), ours %d parameters\n%s", r, r.Params, ours, buf.String())
	}
}
