package framework

import (
	stdctx "context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// TestTTAOps checks every transform of each mode: the expected count, the
// inverse undoing the forward, and distinct results on an asymmetric window.
func TestTTAOps(t *testing.T) {
	for _, tc := range []struct {
		mode  string
		shape []int
		want  int
	}{
		{TTAFlips, []int{1, 2, 4, 6}, 4},
		{TTAFlips, []int{2, 1, 3, 4, 5}, 8},
		{TTAFlipsRot90, []int{1, 2, 4, 6}, 8},
		{TTAFlipsRot90, []int{1, 1, 3, 4, 6}, 16},
		{TTANone, []int{1, 1, 4, 4}, 0},
	} {
		t.Run(fmt.Sprintf("%s %v", tc.mode, tc.shape), func(t *testing.T) {
			ops := ttaOps(tc.mode, len(tc.shape)-2)
			if len(ops) != tc.want {
				t.Fatalf("%d transforms, want %d", len(ops), tc.want)
			}
			n := 1
			for _, d := range tc.shape {
				n *= d
			}
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(i)
			}
			seen := map[string]bool{}
			for _, op := range ops {
				y, ys := op.forward(x, tc.shape)
				seen[fmt.Sprint(y[:min(len(y), 40)], ys)] = true
				back, bs := op.inverse(y, ys)
				if fmt.Sprint(bs) != fmt.Sprint(tc.shape) || fmt.Sprint(back) != fmt.Sprint(x) {
					t.Fatalf("transform %+v: inverse gives shape %v, not the window back", op, bs)
				}
			}
			if len(seen) != len(ops) {
				t.Errorf("%d distinct transformed windows of %d transforms", len(seen), len(ops))
			}
		})
	}
}

// TestTTAWrappedIdentity wraps a predictor that returns its input: every
// transformed-back prediction is the input, so the mean is the input and the
// variance zero.
func TestTTAWrappedIdentity(t *testing.T) {
	id := func(_ stdctx.Context, in []float32, shape []int) ([]float32, []int, error) { return in, shape, nil }
	shape := []int{2, 1, 4, 6}
	x := make([]float32, 48)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	inf := Predict{Output: OutputRaw, TTA: TTAFlipsRot90}.ttaInference(Inference{})
	out, os, err := inf.Wrap(id)(stdctx.Background(), x, shape)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(os) != "[2 8 4 6]" {
		t.Fatalf("stacked shape %v, want [2 8 4 6]", os)
	}
	unit := out[:8*24]
	mean, _, err := inf.Post(unit, []int{8, 4, 6})
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := inf.Uncertainty(unit, []int{8, 4, 6})
	if err != nil {
		t.Fatal(err)
	}
	for i := range mean {
		if math.Abs(float64(mean[i]-x[i])) > 1e-6 || v[i] > 1e-9 {
			t.Fatalf("voxel %d: mean %g (want %g), variance %g (want 0)", i, mean[i], x[i], v[i])
		}
	}
}

// TestLearnTTA trains a small FCN on synthetic nuclei, then predicts the
// held-out images with each test-time augmentation (loading the same
// checkpoint): TTA must not lower the Dice by more than 0.005.
func TestLearnTTA(t *testing.T) {
	skipIfShort(t)
	o := synth.Options{Shape: []int{32, 32}, MinRadius: 3, MaxRadius: 5}
	trainSet := pairs(t, synthSamples(t, synth.Semantic, o, 0, 32))
	val := &train.Samples{Items: pairs(t, synthSamples(t, synth.Semantic, o, 20_000, 8)), BatchSize: 8}
	o.Shape = []int{64, 80}
	held := synthSamples(t, synth.Semantic, o, 10_000, 4)
	f := FCN{
		Net:     nets.UNet{Dims: 2, OutChannels: 2, Features: []int{8, 16, 32}},
		Loss:    loss.DiceCE{},
		Metrics: mustMetrics(t, "dice"),
		Trainer: train.Config{Epochs: 4, Seed: 1, Dir: t.TempDir(), Monitor: "dice",
			Optimizer: train.Optimizer{Kind: "adamw", LR: 1e-2}},
		Predict: Predict{Output: OutputLabels},
	}
	m, err := New(learnBackend(t), f)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Train(stdctx.Background(), &train.Samples{Items: trainSet, BatchSize: 8, Shuffle: true, Seed: 1}, val)
	if err != nil {
		t.Fatal(err)
	}
	base := -1.0
	for _, mode := range []string{TTANone, TTAFlips, TTAFlipsRot90} {
		g := f
		g.Predict.TTA = mode
		gm, err := New(learnBackend(t), g)
		if err != nil {
			t.Fatal(err)
		}
		if err := gm.Load(res.LastCheckpoint, []int{1, 1, 64, 80}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		d, _ := heldOut(t, gm, held, -1)
		if base < 0 {
			base = d
		}
		fmt.Printf("LEARN 2D FCN (4 epochs) test-time augmentation %-11s: held-out Dice %.4f (gain %+.4f) in %s\n",
			mode, d, d-base, time.Since(start).Round(time.Millisecond))
		if d < base-0.005 {
			t.Errorf("tta %s lowers the Dice from %.4f to %.4f", mode, base, d)
		}
		if mode != TTANone && !gm.HasUncertainty() {
			t.Errorf("tta %s: no uncertainty map", mode)
		}
	}
}

// TestTTAInferenceWiring checks which frameworks' inference wraps the
// predictor for test-time augmentation.
func TestTTAInferenceWiring(t *testing.T) {
	net := nets.UNet{Dims: 2, OutChannels: 1, Features: []int{4, 8}}
	flips := Predict{TTA: TTAFlips}
	for _, tc := range []struct {
		name string
		fw   Framework
		wrap bool
	}{
		{"fcn none", FCN{Net: net}, false},
		{"fcn flips", FCN{Net: net, Predict: flips}, true},
		{"pix2pix flips", Pix2Pix{Generator: net, Predict: flips}, true},
		{"cyclegan flips", CycleGAN{Generator: net, Predict: flips}, true},
		{"probunet none", ProbUnet{Net: net}, false},
		{"probunet flips (samples of every transform)", ProbUnet{Net: net, Predict: flips}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inf := tc.fw.Inference()
			if (inf.Wrap != nil) != tc.wrap || (inf.Uncertainty != nil) != (tc.wrap || tc.fw.Name() == "probunet") {
				t.Errorf("wrap %v, uncertainty %v; want wrap %v", inf.Wrap != nil, inf.Uncertainty != nil, tc.wrap)
			}
		})
	}
}
