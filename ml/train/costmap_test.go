package train

import (
	stdctx "context"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

func weightedMSE(pred, target, w *graph.Node) *graph.Node {
	return graph.ReduceAllMean(graph.Mul(w, graph.Square(graph.Sub(pred, target))))
}

// withCostMap gives every sample a constant cost map.
func withCostMap(s []Sample, v float32) []Sample {
	out := make([]Sample, len(s))
	for i, it := range s {
		w := make([]float32, len(it.Y.Data))
		for j := range w {
			w[j] = v
		}
		it.W = Tensor{Shape: it.Y.Shape, Data: w}
		out[i] = it
	}
	return out
}

func TestCostMapWeightsTheLoss(t *testing.T) {
	plain := newTrainer(t, mlp(4, 1), Config{Epochs: 1, Seed: 3, Optimizer: Optimizer{Kind: "sgd", LR: 0.01}})
	rp, err := plain.Fit(stdctx.Background(), &Samples{Items: regression(16, 1), BatchSize: 8},
		&Samples{Items: regression(8, 2), BatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	weighted, err := NewTask(testBackend(t), Supervised(mlp(4, 1), mse, weightedMSE, []Metric{maeMetric}),
		Config{Epochs: 1, Seed: 3, Optimizer: Optimizer{Kind: "sgd", LR: 0.005}})
	if err != nil {
		t.Fatal(err)
	}
	rw, err := weighted.Fit(stdctx.Background(), &Samples{Items: withCostMap(regression(16, 1), 2), BatchSize: 8},
		&Samples{Items: withCostMap(regression(8, 2), 2), BatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	// Weight 2 doubles loss and gradient; half the learning rate takes the same steps.
	for i := range rp.StepLosses {
		if rw.StepLosses[i] != 2*rp.StepLosses[i] {
			t.Fatalf("step %d: weighted loss %v, want 2 × %v", i+1, rw.StepLosses[i], rp.StepLosses[i])
		}
	}
	if v, w := rp.History[0].Val["loss"], rw.History[0].Val["loss"]; w != 2*v {
		t.Errorf("validation loss %v with cost map 2, want 2 × %v", w, v)
	}

	_, err = newTrainer(t, mlp(4, 1), Config{Epochs: 1}).Fit(stdctx.Background(),
		&Samples{Items: withCostMap(regression(8, 1), 1), BatchSize: 8}, nil)
	if err == nil || !strings.Contains(err.Error(), "cost map but the loss takes none") {
		t.Errorf("cost map without a weighted loss: err = %v", err)
	}
	mixed := append(regression(1, 1), withCostMap(regression(1, 2), 1)...)
	if _, err := Stack(mixed); err == nil || !strings.Contains(err.Error(), "every sample of a batch has a cost map or none") {
		t.Errorf("mixed cost maps: err = %v", err)
	}
}
