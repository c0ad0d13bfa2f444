package gradcheck

import (
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/im2im/im2im/ml/backend"
)

func newBackend(t *testing.T) backends.Backend {
	t.Helper()
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

func TestCheckPassesCorrectGradient(t *testing.T) {
	b := newBackend(t)
	f := func(x []*graph.Node) *graph.Node {
		return graph.ReduceAllSum(graph.Mul(graph.Sin(x[0]), graph.Exp(x[1])))
	}
	worst, err := Check(b, f, []Input{Random("a", 1, 2, 3), Random("b", 2, 2, 3)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(worst) != 2 || worst[0].Checked != 6 || worst[0].Error > 1e-7 {
		t.Fatalf("unexpected report: %v", worst)
	}
}

func TestCheckCatchesWrongGradient(t *testing.T) {
	b := newBackend(t)
	f := func(x []*graph.Node) *graph.Node {
		doubled := graph.IdentityWithCustomGradient(x[0], func(_, v *graph.Node) *graph.Node { return graph.MulScalar(v, 2) })
		return graph.ReduceAllSum(graph.Square(doubled))
	}
	_, err := Check(b, f, []Input{Random("x", 3, 4)}, Options{})
	if err == nil || !strings.Contains(err.Error(), "x[") {
		t.Fatalf("wrong gradient not reported (err=%v)", err)
	}
}

func TestCheckSubsamplesAndValidates(t *testing.T) {
	b := newBackend(t)
	sum := func(x []*graph.Node) *graph.Node { return graph.ReduceAllSum(graph.Square(x[0])) }
	worst, err := Check(b, sum, []Input{Random("x", 4, 10, 10)}, Options{MaxElements: 7})
	if err != nil || worst[0].Checked != 7 || worst[0].Elements != 100 {
		t.Fatalf("subsampling: %v, %v", worst, err)
	}
	if _, err := Check(b, sum, []Input{{Name: "bad", Dims: []int{2, 2}, Values: []float64{1}}}, Options{}); err == nil ||
		!strings.Contains(err.Error(), "bad") {
		t.Fatalf("bad dims not reported: %v", err)
	}
	notScalar := func(x []*graph.Node) *graph.Node { return x[0] }
	if _, err := Check(b, notScalar, []Input{Random("x", 5, 3)}, Options{}); err == nil || !strings.Contains(err.Error(), "scalar") {
		t.Fatalf("non-scalar output not reported: %v", err)
	}
}

func TestCheckContextVariables(t *testing.T) {
	b := newBackend(t)
	build := func(wrong bool) func(ctx *context.Context, x []*graph.Node) *graph.Node {
		return func(ctx *context.Context, x []*graph.Node) *graph.Node {
			w := ctx.WithInitializer(initializers.RandomUniformFn(ctx, -1, 1)).
				VariableWithShape("w", shapes.Make(dtypes.Float64, 3)).ValueGraph(x[0].Graph())
			if wrong {
				w = graph.IdentityWithCustomGradient(w, func(_, v *graph.Node) *graph.Node { return graph.MulScalar(v, 3) })
			}
			return graph.ReduceAllSum(graph.Mul(graph.Sin(w), x[0]))
		}
	}
	worst, err := CheckContext(b, context.New(), build(false), []Input{Random("x", 1, 3)}, Options{Variables: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(worst) != 2 || worst[1].Input != "/w" || worst[1].Checked != 3 {
		t.Fatalf("want the input and variable /w checked, got %v", worst)
	}
	_, err = CheckContext(b, context.New(), build(true), []Input{Random("x", 1, 3)}, Options{Variables: true})
	if err == nil || !strings.Contains(err.Error(), "/w[") {
		t.Fatalf("wrong variable gradient not reported: %v", err)
	}
	// Without Variables only the input is checked, so the wrong variable gradient passes.
	if worst, err := CheckContext(b, context.New(), build(true), []Input{Random("x", 1, 3)}, Options{}); err != nil || len(worst) != 1 {
		t.Fatalf("inputs only: %v, %v", worst, err)
	}
}
