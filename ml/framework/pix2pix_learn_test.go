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

// meanColour predicts every pixel of every channel as the channel's mean over
// the training targets: the baseline a translation must beat.
func meanColour(items []train.Sample, c int) []float64 {
	m := make([]float64, c)
	n := 0
	for _, s := range items {
		per := len(s.Y.Data) / c
		for ch := 0; ch < c; ch++ {
			for _, v := range s.Y.Data[ch*per : (ch+1)*per] {
				m[ch] += float64(v)
			}
		}
		n += per
	}
	for ch := range m {
		m[ch] /= float64(n)
	}
	return m
}

// TestLearnPix2Pix trains pix2pix (U-Net generator, PatchGAN, vanilla GAN + L1
// ×100) to turn fluorescence nuclei into their RGB stained rendering and checks
// the held-out translation, predicted whole with sliding windows, against the
// true rendering: PSNR well above the mean-colour baseline.
func TestLearnPix2Pix(t *testing.T) {
	skipIfShort(t)
	o := synth.Options{Shape: []int{32, 32}, MinRadius: 3, MaxRadius: 5}
	trainSet := pairs(t, synthSamples(t, synth.Stain, o, 0, 64))
	val := &train.Samples{Items: pairs(t, synthSamples(t, synth.Stain, o, 20_000, 8)), BatchSize: 8}
	o.Shape = []int{64, 80}
	held := synthSamples(t, synth.Stain, o, 10_000, 3)
	adam := train.Optimizer{Kind: "adam", LR: 2e-3, Beta1: 0.5, Beta2: 0.999}
	p := Pix2Pix{
		Generator:     nets.UNet{Dims: 2, OutChannels: 3, Features: []int{8, 16, 32}},
		Discriminator: nets.PatchGAN{Dims: 2, NF: 8, NLayers: 2},
		Loss:          GANLoss{Criterion: loss.GANVanilla, Reconstruction: loss.L1{}, WeightGAN: 1, WeightRec: 100},
		Metrics:       mustMetrics(t, "psnr", "ssim"),
		Trainer:       train.Config{Epochs: 30, Seed: 1, Progress: logProgress(t), Optimizer: adam, Monitor: "psnr"},
		DOptimizer:    adam,
	}
	m, err := New(learnBackend(t), p)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := m.Train(stdctx.Background(), &train.Samples{Items: trainSet, BatchSize: 8, Shuffle: true, Seed: 1}, val)
	if err != nil {
		t.Fatal(err)
	}
	last := res.History[len(res.History)-1]
	fmt.Printf("LEARN pix2pix stain transfer: %d steps in %s, patch validation PSNR %.2f dB SSIM %.3f\n",
		len(res.StepLosses), time.Since(start).Round(time.Second), last.Val["psnr"], last.Val["ssim"])
	mean := meanColour(trainSet, 3)
	var got, base float64
	for _, s := range held {
		im, gt := s.Arrays["IM"], s.Arrays["GT"]
		out, shape, err := m.Predict(stdctx.Background(), im.Data, im.Shape)
		if err != nil {
			t.Fatal(err)
		}
		if shape[0] != 3 || len(out) != len(gt.Data) {
			t.Fatalf("prediction shape %v for target %v", shape, gt.Shape)
		}
		flat := make([]float32, len(gt.Data))
		per := len(flat) / 3
		for i := range flat {
			flat[i] = float32(mean[i/per])
		}
		got += psnr(out, gt.Data) / float64(len(held))
		base += psnr(flat, gt.Data) / float64(len(held))
	}
	fmt.Printf("LEARN pix2pix stain transfer: held-out PSNR %.2f dB (mean-colour baseline %.2f dB, want ≥ baseline + 7)\n", got, base)
	if got < base+7 {
		t.Fatalf("held-out PSNR %.2f dB < baseline %.2f + 7", got, base)
	}
}
