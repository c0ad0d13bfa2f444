package train

import (
	stdctx "context"
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// scalarModel is pred = x · w with one weight starting at 0.5.
func scalarModel(ctx *context.Context, x *graph.Node) *graph.Node {
	w := ctx.VariableWithValue("w", [][]float32{{0.5}}).ValueGraph(x.Graph())
	return graph.Dot(x, w)
}

// TestOptimizersMatchHandComputed runs a few steps on a one-weight least-squares
// problem and compares the weight with the update rules computed here in float64.
func TestOptimizersMatchHandComputed(t *testing.T) {
	xs, ys := []float64{1, 2}, []float64{1, 3}
	grad := func(w float64) float64 { // d/dw mean((x w - y)^2)
		var g float64
		for i := range xs {
			g += 2 * (xs[i]*w - ys[i]) * xs[i]
		}
		return g / float64(len(xs))
	}
	type rule func(w, g float64, step int, st *[2]float64) float64
	adam := func(lr, wd float64, decoupled bool) rule {
		return func(w, g float64, step int, st *[2]float64) float64 {
			if !decoupled {
				g += wd * w
			}
			st[0] = 0.9*st[0] + 0.1*g
			st[1] = 0.999*st[1] + 0.001*g*g
			mh := st[0] / (1 - math.Pow(0.9, float64(step)))
			vh := st[1] / (1 - math.Pow(0.999, float64(step)))
			upd := mh / (math.Sqrt(vh) + 1e-8)
			if decoupled {
				upd += wd * w
			}
			return w - lr*upd
		}
	}
	cases := []struct {
		name string
		cfg  Config
		rule rule
	}{
		{"adamw", Config{Optimizer: Optimizer{Kind: "adamw", LR: 0.1, WeightDecay: 0.05}}, adam(0.1, 0.05, true)},
		{"adam L2", Config{Optimizer: Optimizer{Kind: "adam", LR: 0.1, WeightDecay: 0.05}}, adam(0.1, 0.05, false)},
		{"sgd nesterov", Config{Optimizer: Optimizer{Kind: "sgd", LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 0.01}},
			func(w, g float64, _ int, st *[2]float64) float64 {
				g += 0.01 * w
				st[0] = 0.9*st[0] + g
				return w - 0.05*(g+0.9*st[0])
			}},
		{"sgd clipped", Config{ClipNorm: 0.1, Optimizer: Optimizer{Kind: "sgd", LR: 1}},
			func(w, g float64, _ int, _ *[2]float64) float64 {
				return w - g*math.Min(1, 0.1/(math.Abs(g)+1e-6))
			}},
		{"exponential schedule", Config{Schedule: Schedule{Kind: "exponential", Gamma: 0.5},
			Optimizer: Optimizer{Kind: "sgd", LR: 0.1}},
			func(w, g float64, step int, _ *[2]float64) float64 {
				return w - 0.1*math.Pow(0.5, float64(step-1))*g // one batch per epoch
			}},
	}
	data := &Samples{Items: []Sample{
		{X: Tensor{Shape: []int{1}, Data: []float32{1}}, Y: Tensor{Shape: []int{1}, Data: []float32{1}}},
		{X: Tensor{Shape: []int{1}, Data: []float32{2}}, Y: Tensor{Shape: []int{1}, Data: []float32{3}}},
	}, BatchSize: 2}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Epochs = 4
			var lrs []float64
			tc.cfg.Progress = func(p Progress) {
				if p.Phase == "train" {
					lrs = append(lrs, p.LR)
				}
			}
			tr := newTrainer(t, scalarModel, tc.cfg)
			if _, err := tr.Fit(stdctx.Background(), data, nil); err != nil {
				t.Fatal(err)
			}
			w, st := 0.5, [2]float64{}
			for step := 1; step <= 4; step++ {
				w = tc.rule(w, grad(w), step, &st)
			}
			got := float64(weights(t, tr)["/w"][0])
			if math.Abs(got-w) > 1e-5*math.Max(1, math.Abs(w)) {
				t.Fatalf("w after 4 steps = %.7f, hand-computed %.7f", got, w)
			}
			if tc.name == "exponential schedule" && (lrs[0] != 0.1 || math.Abs(lrs[3]-0.0125) > 1e-12) {
				t.Errorf("reported learning rates %v", lrs)
			}
		})
	}
}

func TestLearningRateSchedules(t *testing.T) {
	base := Config{Optimizer: Optimizer{LR: 1}}
	cases := []struct {
		name        string
		s           Schedule
		step, epoch int
		want        float64
	}{
		{"constant", Schedule{}, 50, 5, 1},
		{"exponential", Schedule{Kind: "exponential", Gamma: 0.5}, 99, 3, 0.125},
		{"warm-up first", Schedule{Kind: "cosine", WarmupSteps: 10}, 0, 0, 0.1},
		{"warm-up last", Schedule{Kind: "cosine", WarmupSteps: 10}, 9, 0, 1},
		{"cosine middle", Schedule{Kind: "cosine", WarmupSteps: 10, MinLR: 0.2}, 60, 0, 0.6},
		{"cosine end", Schedule{Kind: "cosine", WarmupSteps: 10, MinLR: 0.2}, 110, 0, 0.2},
	}
	for _, tc := range cases {
		c := base
		c.Schedule = tc.s
		c = c.withDefaults()
		if got := learningRate(c, tc.step, tc.epoch, 110, PlateauState{}); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: lr = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Plateau: patience 1, factor 0.5; values 1, 0.9 (better), 0.95, 0.95 (2 bad → reduce), ...
	s := Config{Schedule: Schedule{Kind: "plateau", Patience: 1, Factor: 0.5, MinLR: 0.3}}.withDefaults().Schedule
	var p PlateauState
	var reduced []bool
	for _, v := range []float64{1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95} {
		reduced = append(reduced, observePlateau(s, &p, v, true, 1))
	}
	want := []bool{false, false, false, true, false, true, false, false}
	for i := range want {
		if reduced[i] != want[i] {
			t.Fatalf("plateau reductions %v, want %v", reduced, want)
		}
	}
	c := Config{Optimizer: Optimizer{LR: 1}, Schedule: s}
	if got := learningRate(c, 0, 0, 1, p); got != 0.3 {
		t.Errorf("plateau lr after two reductions = %v, want the floor 0.3 (scale %v)", got, p.Scale)
	}
}
