package train

import (
	stdctx "context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// twoObjectives is a task with two scalar variables trained by two optimizers:
// objective "a" pulls /a/p to 1, objective "b" (after it) pulls /b/q to p's
// current value (a "discriminator" following a "generator"). SGD with rate 0.5
// on (v - t)² moves v exactly onto t in one step, which makes the order visible.
// nan, when set, makes b's loss non-finite.
func twoObjectives(nan bool) Task {
	scalar := func(ctx *context.Context, g *graph.Graph, scope string) *graph.Node {
		return ctx.In(scope).VariableWithShape("v", shapes.Make(dtypes.Float32)).ValueGraph(g)
	}
	predict := func(ctx *context.Context, x *graph.Node) *graph.Node {
		g := x.Graph()
		p, q := scalar(ctx, g, "a"), scalar(ctx, g, "b")
		col := graph.Slice(x, graph.AxisRange(), graph.AxisRange(0, 1))
		return graph.Add(graph.MulScalar(col, 0), graph.Add(p, q))
	}
	sgd := &Optimizer{Kind: "sgd", LR: 0.5}
	return Task{
		Objectives: []Objective{
			{Name: "a", Scopes: []string{"/a"}, Optimizer: sgd, Loss: func(ctx *context.Context, in Inputs) *graph.Node {
				p := scalar(ctx, in.X.Graph(), "a")
				return graph.Square(graph.AddScalar(p, -1))
			}},
			{Name: "b", Scopes: []string{"/b"}, Optimizer: sgd, Loss: func(ctx *context.Context, in Inputs) *graph.Node {
				g := in.X.Graph()
				p, q := scalar(ctx, g, "a"), scalar(ctx, g, "b")
				l := graph.Square(graph.Sub(q, graph.StopGradient(p)))
				if nan {
					l = graph.Div(l, graph.ScalarZero(g, dtypes.Float32))
				}
				return l
			}},
		},
		Predict: predict,
		ValLoss: func(pred, y, _ *graph.Node) *graph.Node { return mse(pred, y) },
	}
}

func scalarVar(t *testing.T, tr *Trainer, name string) float64 {
	t.Helper()
	for v := range tr.Context().IterVariables() {
		if v.ScopeAndName() == name {
			val, err := v.Value()
			if err != nil {
				t.Fatal(err)
			}
			return float64(tensors.ToScalar[float32](val))
		}
	}
	t.Fatalf("no variable %s", name)
	return 0
}

func TestTaskObjectivesRunInOrderOnTheirOwnScopes(t *testing.T) {
	tr, err := NewTask(testBackend(t), twoObjectives(false), Config{Epochs: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var seen []map[string]float64
	tr.cfg.Progress = func(p Progress) {
		if p.Phase == "train" {
			seen = append(seen, p.Losses)
		}
	}
	if _, err := tr.Fit(stdctx.Background(), &Samples{Items: regression(4, 1), BatchSize: 4}, nil); err != nil {
		t.Fatal(err)
	}
	if p := scalarVar(t, tr, "/a/v"); math.Abs(p-1) > 1e-6 {
		t.Errorf("a's variable %v after one SGD step, want 1", p)
	}
	// b saw a's updated value (1), not its initial one.
	if q := scalarVar(t, tr, "/b/v"); math.Abs(q-1) > 1e-6 {
		t.Errorf("b's variable %v, want 1 (the value a's objective set in the same step)", q)
	}
	if len(seen) != 1 || len(seen[0]) != 2 {
		t.Fatalf("progress losses %v, want one step with losses a and b", seen)
	}
	if _, ok := seen[0]["a"]; !ok {
		t.Errorf("progress losses %v lack a", seen[0])
	}
}

func TestTaskNonFiniteObjectiveUndoesTheStep(t *testing.T) {
	tr, err := NewTask(testBackend(t), twoObjectives(true), Config{Epochs: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	x := Tensor{Shape: []int{1, 2}, Data: []float32{0, 0}}
	if err := tr.prepare(toTensor(x)); err != nil {
		t.Fatal(err)
	}
	p0 := scalarVar(t, tr, "/a/v")
	_, err = tr.Fit(stdctx.Background(), &Samples{Items: regression(4, 1), BatchSize: 4}, nil)
	if err == nil || !strings.Contains(err.Error(), "b loss") {
		t.Fatalf("err = %v, want a non-finite b loss", err)
	}
	if p := scalarVar(t, tr, "/a/v"); p != p0 {
		t.Errorf("a's variable changed from %v to %v although b's loss was not finite", p0, p)
	}
}

func TestTaskResumeIsExact(t *testing.T) {
	dir := t.TempDir()
	data := func() *Samples { return regressionData(16, 4, 2) }
	straight, err := NewTask(testBackend(t), twoObjectives(false), Config{Epochs: 4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	want, err := straight.Fit(stdctx.Background(), data(), nil)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := NewTask(testBackend(t), twoObjectives(false), Config{Epochs: 2, Seed: 5, Dir: dir})
	if _, err := first.Fit(stdctx.Background(), data(), nil); err != nil {
		t.Fatal(err)
	}
	c, err := ReadCheckpoint(filepath.Join(dir, "last.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range c.Vars {
		names = append(names, v.Name)
	}
	if got := strings.Join(names, " "); !strings.Contains(got, "/a/v") || !strings.Contains(got, "/b/v") {
		t.Errorf("checkpoint holds %s, want both objectives' variables", got)
	}
	second, _ := NewTask(testBackend(t), twoObjectives(false), Config{Epochs: 4, Seed: 5, Dir: dir, Resume: true})
	got, err := second.Fit(stdctx.Background(), data(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.StepLosses) != len(want.StepLosses) {
		t.Fatalf("%d step losses after resume, %d straight", len(got.StepLosses), len(want.StepLosses))
	}
	for i := range want.StepLosses {
		if got.StepLosses[i] != want.StepLosses[i] {
			t.Errorf("step %d: loss %v after resume, %v straight", i+1, got.StepLosses[i], want.StepLosses[i])
		}
	}
}

func TestTaskCheck(t *testing.T) {
	two := twoObjectives(false)
	two.Objectives[1].Name = "a"
	tests := []struct {
		name string
		task Task
		want string
	}{
		{"no objective", Task{Predict: two.Predict, ValLoss: two.ValLoss}, "at least one objective"},
		{"same names", two, "distinct names"},
		{"no loss", Task{Objectives: []Objective{{}}, Predict: two.Predict, ValLoss: two.ValLoss}, "has no loss"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewTask(testBackend(t), tc.task, Config{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
