package framework

import (
	stdctx "context"
	"fmt"
	"testing"
	"time"

	"github.com/im2im/im2im/data/loader"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/data/transform"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// learnSegmentation trains a U-Net on synthetic nuclei patches and returns the mean
// Dice of its label predictions on larger held-out images, predicted whole with
// sliding windows.
func learnSegmentation(t *testing.T, dims int, patch, full []int, nTrain, epochs, batch int, channels []int, lr float64) float64 {
	// Training images twice the patch size; the data loader crops 4 random patches
	// per image per epoch (half centred on nuclei) and flips and rotates them.
	o := synth.Options{Shape: append([]int(nil), patch...), MinRadius: 3, MaxRadius: 5}
	for i := range o.Shape {
		o.Shape[i] = 2 * patch[i]
	}
	if dims == 3 {
		o.Shape[0] = patch[0]
	}
	ld, err := loader.New(loader.Samples(synthSamples(t, synth.Semantic, o, 0, nTrain)), loader.Options{
		BatchSize: batch, Workers: 2, Seed: 1,
		Random: transform.Chain{
			&transform.RandCropSamples{Size: patch, N: 4, PosFraction: 0.5, LabelKey: "GT"},
			&transform.RandFlip{Prob: 0.5},
			&transform.RandRot90{Prob: 0.5, MaxK: 3},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	data := NewLoaderDataset(ld, "IM", "GT")
	defer data.Close()
	o.Shape = full
	held := synthSamples(t, synth.Semantic, o, 10_000, 3)

	dir := t.TempDir()
	f := FCN{
		Net:     nets.UNet{Dims: dims, OutChannels: 2, Features: channels},
		Loss:    loss.DiceCE{},
		Metrics: mustMetrics(t, "dice", "iou"),
		Trainer: train.Config{
			Epochs: epochs, Seed: 1, Dir: dir, Monitor: "dice",
			Optimizer: train.Optimizer{Kind: "adamw", LR: lr},
			Schedule:  train.Schedule{Kind: "cosine", WarmupSteps: 5, MinLR: lr / 20},
			Progress:  logProgress(t),
		},
		Predict: Predict{Output: OutputLabels, Overlap: 0.25, BatchSize: 4},
	}
	m, err := New(learnBackend(t), f)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	val := &train.Samples{Items: pairs(t, synthSamples(t, synth.Semantic, synth.Options{Shape: patch, MinRadius: 3, MaxRadius: 5}, 20_000, batch)), BatchSize: batch}
	res, err := m.Train(stdctx.Background(), data, val)
	if err != nil {
		t.Fatal(err)
	}
	last := res.History[len(res.History)-1]
	fmt.Printf("LEARN %dD U-Net segmentation: %d steps in %s (%.1f samples/s), train loss %.4f, patch validation loss %.4f Dice %.4f IoU %.4f\n",
		dims, len(res.StepLosses), time.Since(start).Round(time.Second), res.SamplesPerSec, last.TrainLoss, last.Val["loss"], last.Val["dice"], last.Val["iou"])
	var sum float64
	for _, s := range held {
		im, gt := s.Arrays["IM"], s.Arrays["GT"]
		labels, shape, err := m.Predict(stdctx.Background(), im.Data, im.Shape)
		if err != nil {
			t.Fatal(err)
		}
		if shape[0] != 1 || len(labels) != len(gt.Data) {
			t.Fatalf("labels shape %v for image %v", shape, im.Shape)
		}
		sum += dice(labels, gt.Data)
	}
	return sum / float64(len(held))
}

// logProgress logs validations and the end of a run (not every step).
func logProgress(t *testing.T) func(train.Progress) {
	return func(p train.Progress) {
		if p.Phase != "train" {
			t.Log(p.String())
		}
	}
}

func TestLearnSegmentation2D(t *testing.T) {
	skipIfShort(t)
	d := learnSegmentation(t, 2, []int{32, 32}, []int{64, 80}, 16, 12, 8, []int{8, 16, 32}, 1e-2)
	fmt.Printf("LEARN 2D U-Net semantic segmentation: held-out Dice %.4f (want ≥ 0.90)\n", d)
	if d < 0.90 {
		t.Fatalf("2D held-out Dice %.4f < 0.90", d)
	}
}

func TestLearnSegmentation3D(t *testing.T) {
	skipIfShort(t)
	d := learnSegmentation(t, 3, []int{16, 16, 16}, []int{16, 32, 40}, 8, 12, 4, []int{8, 16, 32}, 1e-2)
	fmt.Printf("LEARN 3D U-Net semantic segmentation: held-out Dice %.4f (want ≥ 0.85)\n", d)
	if d < 0.85 {
		t.Fatalf("3D held-out Dice %.4f < 0.85", d)
	}
}

func TestLearnDenoising(t *testing.T) {
	skipIfShort(t)
	o := synth.Options{Shape: []int{32, 32}, MinRadius: 3, MaxRadius: 5}
	trainSet := pairs(t, synthSamples(t, synth.Denoise, o, 0, 64))
	o.Shape = []int{64, 80}
	held := synthSamples(t, synth.Denoise, o, 10_000, 3)
	f := FCN{
		Net:     nets.UNet{Dims: 2, OutChannels: 1, Features: []int{8, 16, 32}, Norm: "none"},
		Loss:    loss.MSE{},
		Metrics: mustMetrics(t, "psnr", "ssim"),
		Trainer: train.Config{
			Epochs: 20, Seed: 1, Progress: logProgress(t),
			Optimizer: train.Optimizer{Kind: "adamw", LR: 5e-3},
			Schedule:  train.Schedule{Kind: "cosine", WarmupSteps: 5, MinLR: 2e-4},
		},
	}
	m, err := New(learnBackend(t), f)
	if err != nil {
		t.Fatal(err)
	}
	val := &train.Samples{Items: pairs(t, synthSamples(t, synth.Denoise, synth.Options{Shape: []int{32, 32}, MinRadius: 3, MaxRadius: 5}, 20_000, 8)), BatchSize: 8}
	res, err := m.Train(stdctx.Background(), &train.Samples{Items: trainSet, BatchSize: 8, Shuffle: true, Seed: 1}, val)
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.History[0].Val, res.History[len(res.History)-1].Val
	fmt.Printf("LEARN 2D U-Net denoising: patch validation PSNR %.2f → %.2f dB, SSIM %.3f → %.3f over %d steps\n",
		first["psnr"], last["psnr"], first["ssim"], last["ssim"], len(res.StepLosses))
	var before, after float64
	for _, s := range held {
		im, gt := s.Arrays["IM"], s.Arrays["GT"]
		out, _, err := m.Predict(stdctx.Background(), im.Data, im.Shape)
		if err != nil {
			t.Fatal(err)
		}
		before += psnr(im.Data, gt.Data) / float64(len(held))
		after += psnr(out, gt.Data) / float64(len(held))
	}
	fmt.Printf("LEARN 2D U-Net denoising: held-out PSNR %.2f dB → %.2f dB (gain %.2f dB, want ≥ 6)\n", before, after, after-before)
	if after-before < 6 {
		t.Fatalf("PSNR gain %.2f dB < 6", after-before)
	}
}

func mustMetrics(t *testing.T, names ...string) []train.Metric {
	t.Helper()
	m, err := Metrics(names...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
