package framework

import (
	stdctx "context"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// TestUNetResumeIsExact trains a small U-Net with batch norm (running statistics)
// and dropout (random state) for 3 epochs in one go, and for 1 epoch then 2 more
// resumed from last.ckpt in a new model: loss curves and predictions must be equal
// bit for bit, so everything that evolves in training is in the checkpoint.
func TestUNetResumeIsExact(t *testing.T) {
	samples := pairs(t, synthSamples(t, synth.Semantic, synth.Options{Shape: []int{16, 16}, MinRadius: 2, MaxRadius: 4}, 0, 8))
	data := func() *train.Samples { return &train.Samples{Items: samples, BatchSize: 4, Shuffle: true, Seed: 2} }
	decl := func(epochs int, dir string) FCN {
		return FCN{
			Net:     nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}, Norm: "batch", Dropout: 0.2},
			Loss:    loss.DiceCE{},
			Trainer: train.Config{Epochs: epochs, Seed: 5, Dir: dir, Resume: dir != "", Optimizer: train.Optimizer{LR: 1e-2}},
		}
	}
	b := unitBackend(t)
	ref, err := New(b, decl(3, ""))
	if err != nil {
		t.Fatal(err)
	}
	want, err := ref.Train(stdctx.Background(), data(), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	first, err := New(b, decl(1, dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Train(stdctx.Background(), data(), nil); err != nil {
		t.Fatal(err)
	}
	resumed, err := New(b, decl(3, dir))
	if err != nil {
		t.Fatal(err)
	}
	got, err := resumed.Train(stdctx.Background(), data(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.ResumedAt != 2 || len(got.StepLosses) != len(want.StepLosses) {
		t.Fatalf("resumed at %d with %d losses; want 2 and %d", got.ResumedAt, len(got.StepLosses), len(want.StepLosses))
	}
	for i := range want.StepLosses {
		if got.StepLosses[i] != want.StepLosses[i] {
			t.Fatalf("step %d: resumed loss %v, uninterrupted %v", i+1, got.StepLosses[i], want.StepLosses[i])
		}
	}
	x := samples[0].X
	pw, err := ref.Trainer().Predict(train.Tensor{Shape: append([]int{1}, x.Shape...), Data: x.Data})
	if err != nil {
		t.Fatal(err)
	}
	pg, err := resumed.Trainer().Predict(train.Tensor{Shape: append([]int{1}, x.Shape...), Data: x.Data})
	if err != nil {
		t.Fatal(err)
	}
	for i := range pw.Data {
		if pw.Data[i] != pg.Data[i] {
			t.Fatalf("prediction %d: resumed %v, uninterrupted %v (running statistics differ?)", i, pg.Data[i], pw.Data[i])
		}
	}
}
