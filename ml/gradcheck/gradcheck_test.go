package gradcheck

import (
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
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
