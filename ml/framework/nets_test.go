package framework

import (
	stdctx "context"
	"math"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// TestEveryNetTrainsThroughFCN runs each network family through the FCN contract:
// a few training steps lower the loss, validation runs on the evaluation graph
// (DynUNet's deep-supervision heads only while training), and whole-image
// prediction returns the declared output shape.
func TestEveryNetTrainsThroughFCN(t *testing.T) {
	cases := []struct {
		name  string
		net   Net
		loss  Loss
		shape []int
	}{
		{"unet 2D residual", nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}, NumResUnits: 1}, loss.DiceCE{}, []int{16, 16}},
		{"attention unet 2D", nets.AttentionUNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}}, loss.CE{}, []int{16, 16}},
		{"dynunet 2D deep supervision", nets.DynUNet{Dims: 2, OutChannels: 2, Features: []int{4, 8, 16}, DeepSupervision: 1},
			loss.Deep{Head: loss.DiceCE{}, OutChannels: 2}, []int{16, 16}},
		{"unet 3D maxpool", nets.UNet{Dims: 3, OutChannels: 2, Features: []int{4, 8}, Down: nets.DownMaxPool}, loss.Dice{}, []int{8, 8, 8}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := synth.Options{Shape: tc.shape, MinRadius: 2, MaxRadius: 3}
			samples := pairs(t, synthSamples(t, synth.Semantic, o, 0, 8))
			metrics := mustMetrics(t, "dice")
			m, err := New(learnBackend(t), FCN{Net: tc.net, Loss: tc.loss, Metrics: metrics,
				Trainer: train.Config{Epochs: 4, Seed: 1, Optimizer: train.Optimizer{LR: 2e-2}},
				Predict: Predict{Output: OutputProb}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.Train(stdctx.Background(), &train.Samples{Items: samples, BatchSize: 4, Shuffle: true, Seed: 1},
				&train.Samples{Items: samples[:4], BatchSize: 4})
			if err != nil {
				t.Fatal(err)
			}
			first, last := res.History[0], res.History[len(res.History)-1]
			if !(last.TrainLoss < first.TrainLoss) || math.IsNaN(last.Val["dice"]) {
				t.Fatalf("train loss %.4f → %.4f, val %v", first.TrainLoss, last.TrainLoss, last.Val)
			}
			full := append([]int(nil), tc.shape...)
			full[len(full)-1] += 5 // not a multiple of the window: padded windows
			im, _ := synth.Generate(synth.Semantic, synth.Options{Shape: full, MinRadius: 2, MaxRadius: 3, Seed: 99})
			prob, shape, err := m.Predict(stdctx.Background(), im.Arrays["IM"].Data, im.Arrays["IM"].Shape)
			if err != nil {
				t.Fatal(err)
			}
			if shape[0] != 2 || len(prob) != 2*len(im.Arrays["IM"].Data) {
				t.Fatalf("prob shape %v (%d values) for image %v", shape, len(prob), im.Arrays["IM"].Shape)
			}
			n := len(prob) / 2
			for i := 0; i < n; i++ {
				if s := prob[i] + prob[n+i]; math.Abs(float64(s)-1) > 1e-4 {
					t.Fatalf("voxel %d: probabilities sum to %v", i, s)
				}
			}
		})
	}
}
