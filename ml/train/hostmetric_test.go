package train

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// A host metric sees each validation batch's prediction and target and is
// averaged like graph metrics; it equals the graph metric it re-computes, can
// be monitored, and its error names it.
func TestHostMetric(t *testing.T) {
	hostMAE := Metric{Name: "host_mae", Host: func(p, y Tensor) (float64, error) {
		if len(p.Shape) != 2 || p.Shape[0] != y.Shape[0] {
			return 0, errors.New("shapes")
		}
		s := 0.0
		for i := range p.Data {
			s += math.Abs(float64(p.Data[i] - y.Data[i]))
		}
		return s / float64(len(p.Data)), nil
	}}
	cfg := Config{Epochs: 2, Optimizer: Optimizer{LR: 0.05}, Seed: 3, Monitor: "host_mae"}
	tr, err := New(testBackend(t), mlp(8, 1), mse, []Metric{maeMetric, hostMAE}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	val := &Samples{Items: regression(24, 9), BatchSize: 8}
	if _, err := tr.Fit(t.Context(), regressionData(64, 8, 1), val); err != nil {
		t.Fatal(err)
	}
	got, err := tr.Evaluate(val)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got["host_mae"]-got["mae"]) > 1e-5 || got["mae"] == 0 {
		t.Fatalf("host_mae %v, mae %v: want equal and > 0", got["host_mae"], got["mae"])
	}
	if names := strings.Join(tr.MetricNames(), ","); names != "loss,mae,host_mae" {
		t.Fatalf("names %s", names)
	}

	bad := Metric{Name: "broken", Host: func(p, y Tensor) (float64, error) { return 0, errors.New("no clusters") }}
	tr2, err := New(testBackend(t), mlp(8, 1), mse, []Metric{bad}, Config{Epochs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr2.Evaluate(val); err == nil || !strings.Contains(err.Error(), "metric broken: no clusters") {
		t.Fatalf("want the metric named in the error, got %v", err)
	}
	both := Metric{Name: "both", Fn: maeMetric.Fn, Host: hostMAE.Host}
	if _, err := New(testBackend(t), mlp(8, 1), mse, []Metric{both}, Config{}); err == nil {
		t.Fatal("a metric with both Fn and Host was accepted")
	}
}
