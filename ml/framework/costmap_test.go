package framework

import (
	stdctx "context"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/train"
)

// TestCostMapReachesTheLoss: a constant cost map of 2 doubles the CE loss of every
// step (SGD at half the rate follows the same path). The comparison is exact, so it runs
// on the reference pure-Go backend: im2im-fast fuses the weighted loss's Mul+ReduceSum and
// sums in another order than the plain loss, which moves the last bit.
func TestCostMapReachesTheLoss(t *testing.T) {
	t.Setenv(backend.EnvVar, backend.PureGo)
	src := synthSamples(t, synth.Semantic, synth.Options{Shape: []int{8, 8}}, 0, 4)
	for _, s := range src {
		cm := s.Arrays["GT"].Clone()
		for i := range cm.Data {
			cm.Data[i] = 2
		}
		s.Arrays["CM"] = cm
	}
	run := func(cmKey string, lr float64) []float64 {
		items, err := SamplesWithCostMap(src, "IM", "GT", cmKey)
		if err != nil {
			t.Fatal(err)
		}
		m, err := New(unitBackend(t), FCN{Net: pointwise{outs: 2}, Loss: loss.CE{},
			Trainer: train.Config{Epochs: 2, Optimizer: train.Optimizer{Kind: "sgd", LR: lr}}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.Train(stdctx.Background(), &train.Samples{Items: items, BatchSize: 2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.StepLosses
	}
	plain, weighted := run("", 0.2), run("CM", 0.1)
	for i := range plain {
		if weighted[i] != 2*plain[i] {
			t.Fatalf("step %d: loss %v with cost map 2, want 2 × %v", i+1, weighted[i], plain[i])
		}
	}
	if _, err := SamplesWithCostMap(src, "IM", "GT", "XX"); err == nil {
		t.Error("missing cost map role: want an error")
	}
}
