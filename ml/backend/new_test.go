package backend

import (
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// TestNewPureGoComputes builds the pure-Go backend through New and runs a tiny graph on it.
func TestNewPureGoComputes(t *testing.T) {
	t.Setenv(EnvVar, PureGo)
	b, c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if c.Config != PureGo {
		t.Fatalf("choice = %v, want %s", c, PureGo)
	}
	got := graph.MustExecOnce(b, func(x *graph.Node) *graph.Node {
		return graph.ReduceAllSum(graph.Mul(x, x))
	}, []float32{1, 2, 3})
	if v := got.Value().(float32); v != 14 {
		t.Fatalf("sum of squares = %v, want 14", v)
	}
	if b.String() != Name {
		t.Fatalf("backend = %q, want %q", b.String(), Name)
	}
	if !b.Capabilities().Operations[backends.OpTypeReverse] {
		t.Fatal("capabilities do not list Reverse")
	}
}
