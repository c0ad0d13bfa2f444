package train

import (
	"math"
	"math/rand"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/backend"
)

// testBackend is shared by the tests of this package.
var testBackendValue backends.Backend

func testBackend(t testing.TB) backends.Backend {
	t.Helper()
	if testBackendValue == nil {
		b, _, err := backend.New()
		if err != nil {
			t.Fatal(err)
		}
		testBackendValue = b
	}
	return testBackendValue
}

// dense is a fully connected layer created with GoMLX graph ops.
func dense(ctx *context.Context, x *graph.Node, out int) *graph.Node {
	in := x.Shape().Dimensions[1]
	w := ctx.VariableWithShape("weights", shapes.Make(dtypes.Float32, in, out)).ValueGraph(x.Graph())
	b := ctx.VariableWithShape("bias", shapes.Make(dtypes.Float32, out)).ValueGraph(x.Graph())
	return graph.Add(graph.Dot(x, w), graph.ExpandLeftToRank(b, 2))
}

// mlp is the tiny model the trainer is developed against: 2 → hidden (tanh) → outs.
func mlp(hidden, outs int) ModelFn {
	return func(ctx *context.Context, x *graph.Node) *graph.Node {
		h := graph.Tanh(dense(ctx.In("hidden"), x, hidden))
		return dense(ctx.In("out"), h, outs)
	}
}

func mse(pred, target *graph.Node) *graph.Node {
	return graph.ReduceAllMean(graph.Square(graph.Sub(pred, target)))
}

// regression returns n samples of y = sin(2 x0) + 0.5 x1 with x uniform in [-1, 1].
func regression(n int, seed int64) []Sample {
	r := rand.New(rand.NewSource(seed))
	out := make([]Sample, n)
	for i := range out {
		x0, x1 := r.Float64()*2-1, r.Float64()*2-1
		out[i] = Sample{
			X: Tensor{Shape: []int{2}, Data: []float32{float32(x0), float32(x1)}},
			Y: Tensor{Shape: []int{1}, Data: []float32{float32(math.Sin(2*x0) + 0.5*x1)}},
		}
	}
	return out
}

func regressionData(n, batch int, seed int64) *Samples {
	return &Samples{Items: regression(n, seed), BatchSize: batch, Shuffle: true, Seed: seed}
}

// maeMetric is the mean absolute error, a lower-is-better metric.
var maeMetric = Metric{Name: "mae", Fn: func(p, y *graph.Node) *graph.Node {
	return graph.ReduceAllMean(graph.Abs(graph.Sub(p, y)))
}}

func newTrainer(t testing.TB, model ModelFn, cfg Config) *Trainer {
	t.Helper()
	tr, err := New(testBackend(t), model, mse, []Metric{maeMetric}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// weights returns a copy of every float variable outside the optimizer scope.
func weights(t testing.TB, tr *Trainer) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for v := range tr.Context().IterVariables() {
		if v.DType() != dtypes.Float32 || isOptimizerState(v.Scope()) {
			continue
		}
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		flat, err := tensors.CopyFlatData[float32](val)
		if err != nil {
			t.Fatal(err)
		}
		out[v.ScopeAndName()] = flat
	}
	return out
}
