package framework

import (
	stdctx "context"
	"fmt"
	"testing"
	"time"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// unpaired returns samples whose X is the input image of one scene and Y the
// target of another (seeds offset), so no pair corresponds.
func unpaired(t *testing.T, kind synth.Kind, o synth.Options, seed0, n int) []train.Sample {
	a := pairs(t, synthSamples(t, kind, o, seed0, n))
	b := pairs(t, synthSamples(t, kind, o, seed0+50_000, n))
	out := make([]train.Sample, n)
	for i := range out {
		out[i] = train.Sample{X: a[i].X, Y: b[(i+1)%n].Y}
	}
	return out
}

// TestLearnCycleGANSegmentation trains CycleGAN between nuclei images and
// masks of other scenes (never an image with its own mask) and checks the
// image → mask direction on held-out images, thresholded at ½, against their
// true masks: Dice ≥ 0.75.
func TestLearnCycleGANSegmentation(t *testing.T) {
	skipIfShort(t)
	o := synth.Options{Shape: []int{32, 32}, MinRadius: 3, MaxRadius: 5}
	trainSet := unpaired(t, synth.Semantic, o, 0, 64)
	val := &train.Samples{Items: unpaired(t, synth.Semantic, o, 20_000, 8), BatchSize: 8}
	o.Shape = []int{64, 80}
	held := synthSamples(t, synth.Semantic, o, 10_000, 3)
	adam := train.Optimizer{Kind: "adam", LR: 2e-3, Beta1: 0.5, Beta2: 0.999}
	c := CycleGAN{
		Generator:     nets.UNet{Dims: 2, OutChannels: 1, Features: []int{8, 16, 32}},
		Discriminator: nets.PatchGAN{Dims: 2, NF: 8, NLayers: 2},
		Criterion:     loss.GANLSGAN, WeightGAN: 1, WeightCycle: 10, WeightIdentity: 5, PoolSize: 50,
		Trainer:    train.Config{Epochs: 20, Seed: 1, Progress: logProgress(t), Optimizer: adam},
		DOptimizer: adam,
		Predict:    Predict{Output: OutputRaw},
	}
	m, err := New(learnBackend(t), c)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := m.Train(stdctx.Background(), &train.Samples{Items: trainSet, BatchSize: 8, Shuffle: true, Seed: 1}, val)
	if err != nil {
		t.Fatal(err)
	}
	last := res.History[len(res.History)-1]
	fmt.Printf("LEARN cyclegan image↔mask: %d steps in %s, validation cycle L1 %.4f\n",
		len(res.StepLosses), time.Since(start).Round(time.Second), last.Val["loss"])
	var sum float64
	for _, s := range held {
		im, gt := s.Arrays["IM"], s.Arrays["GT"]
		out, _, err := m.Predict(stdctx.Background(), im.Data, im.Shape)
		if err != nil {
			t.Fatal(err)
		}
		mask := make([]float32, len(out))
		for i, v := range out {
			if v > 0.5 {
				mask[i] = 1
			}
		}
		sum += dice(mask, gt.Data) / float64(len(held))
	}
	fmt.Printf("LEARN cyclegan unsupervised segmentation: held-out Dice %.4f (want ≥ 0.75)\n", sum)
	if sum < 0.75 {
		t.Fatalf("held-out Dice %.4f < 0.75", sum)
	}
}
