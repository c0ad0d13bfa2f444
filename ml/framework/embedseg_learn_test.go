package framework

import (
	stdctx "context"
	"fmt"
	"testing"
	"time"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/instance"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// embedSegSamples turns synthetic instance samples into EmbedSeg pairs: the
// image, and the target [2, spatial...] of the instance ids and their centre
// image (method, computed on the whole image).
func embedSegSamples(t *testing.T, samples []*array.Sample, method string) []train.Sample {
	t.Helper()
	var out []train.Sample
	for _, s := range samples {
		gt := s.Arrays["GT"]
		sp := [3]int{1, 1, 1}
		copy(sp[3-(len(gt.Shape)-1):], gt.Shape[1:])
		ids := make([]int32, len(gt.Data))
		for i, v := range gt.Data {
			ids[i] = int32(v)
		}
		ce, err := instance.Centers(ids, sp, method, 1)
		if err != nil {
			t.Fatal(err)
		}
		y := append(append([]float32(nil), gt.Data...), make([]float32, len(ce))...)
		for i, v := range ce {
			y[len(gt.Data)+i] = float32(v)
		}
		im := s.Arrays["IM"]
		out = append(out, train.Sample{X: train.Tensor{Shape: im.Shape, Data: im.Data},
			Y: train.Tensor{Shape: append([]int{2}, gt.Shape[1:]...), Data: y}})
	}
	return out
}

// heldOutAP50 predicts each sample's instances whole and returns their mean
// AP@0.5 against its labels.
func heldOutAP50(t *testing.T, m *Model, held []train.Sample) float64 {
	t.Helper()
	sum := 0.0
	for _, s := range held {
		labels, _, err := m.Predict(stdctx.Background(), s.X.Data, s.X.Shape)
		if err != nil {
			t.Fatal(err)
		}
		pred, truth := make([]int32, len(labels)), make([]int32, len(labels))
		for i := range labels {
			pred[i], truth[i] = int32(labels[i]), int32(s.Y.Data[i])
		}
		r, err := instance.Match(pred, truth, instance.DefaultThresholds())
		if err != nil {
			t.Fatal(err)
		}
		sum += InstanceScore("ap50", r)
	}
	return sum / float64(len(held))
}

// TestLearnEmbedSeg3D trains EmbedSeg in 3D on whole 16×32×32 synthetic
// stacks (about 5 touching nuclei of 200–700 voxels each) with the
// embedseg_3d preset's choices — a 3D U-Net whose head starts as
// BranchedERFNet's output layer, foreground weight 4.5, Adam 2e-3, proposals
// and instances of at least 100 voxels — for 160 steps, and checks the mean
// AP@0.5 of the instances it predicts on 4 held-out stacks.
func TestLearnEmbedSeg3D(t *testing.T) {
	skipIfShort(t)
	o := synth.Options{Shape: []int{16, 32, 32}, MinRadius: 4, MaxRadius: 7}
	trainSet := embedSegSamples(t, synthSamples(t, synth.Instance, o, 1, 8), instance.Centroid)
	held := embedSegSamples(t, synthSamples(t, synth.Instance, o, 10_000, 4), instance.Centroid)
	e := EmbedSeg{Dims: 3,
		Net:     nets.UNet{Dims: 3, OutChannels: 7, Features: []int{16, 32, 64}, HeadInit: nets.HeadInitEmbedSeg},
		Cluster: instance.ClusterOptions{MinObjectSize: 100},
		Predict: Predict{MinSize: 100},
		Trainer: train.Config{Epochs: 40, ValEvery: 40, Seed: 1, Progress: logProgress(t),
			Optimizer: train.Optimizer{Kind: "adam", LR: 2e-3}}}
	e.Loss.ForegroundWeight, e.Loss.MaxInstances = 4.5, 16
	m, err := New(learnBackend(t), e)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := m.Train(stdctx.Background(),
		EmbedSegData{Dataset: &train.Samples{Items: trainSet, BatchSize: 2, Shuffle: true, Seed: 1}},
		EmbedSegData{Dataset: &train.Samples{Items: held, BatchSize: 4}})
	if err != nil {
		t.Fatal(err)
	}
	ap := heldOutAP50(t, m, held)
	fmt.Printf("LEARN 3D EmbedSeg (U-Net, 16×32×32 stacks): %d steps in %s, train loss %.3f → %.3f, held-out AP@0.5 %.3f (want ≥ 0.8)\n",
		len(res.StepLosses), time.Since(start).Round(time.Second), res.StepLosses[0], res.History[len(res.History)-1].TrainLoss, ap)
	if ap < 0.8 {
		t.Fatalf("3D EmbedSeg held-out AP@0.5 %.3f < 0.8", ap)
	}
}
