package opcheck_test

import (
	"fmt"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"

	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/opcheck"
)

// TestOfAndMissing records the operations of a small graph (reverse, pad, a
// float64 conversion) and checks what Missing reports against capability sets
// with and without them.
func TestOfAndMissing(t *testing.T) {
	be, err := backends.NewWithConfig(backend.PureGo)
	if err != nil {
		t.Fatal(err)
	}
	defer be.Finalize()
	g := graph.NewGraph(be, "opcheck")
	x := graph.Parameter(g, "x", shapes.Make(dtypes.Float32, 2, 3))
	y := graph.ConvertDType(graph.Reverse(graph.Add(x, x), 1), dtypes.Float64)
	_ = y
	use, err := opcheck.Of(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []backends.OpType{backends.OpTypeParameter, backends.OpTypeAdd, backends.OpTypeReverse, backends.OpTypeConvertDType} {
		if use.Ops[op] != 1 {
			t.Errorf("%s used %d times, want 1 (uses %v)", op, use.Ops[op], use.Names())
		}
	}
	caps := func(ops []backends.OpType, types ...dtypes.DType) backends.Capabilities {
		c := backends.Capabilities{Operations: map[backends.OpType]bool{}, DTypes: map[dtypes.DType]bool{}}
		for _, op := range ops {
			c.Operations[op] = true
		}
		for _, dt := range types {
			c.DTypes[dt] = true
		}
		return c
	}
	base := []backends.OpType{backends.OpTypeParameter, backends.OpTypeAdd, backends.OpTypeConvertDType}
	for _, tc := range []struct {
		name      string
		caps      backends.Capabilities
		wantOps   string
		wantTypes string
	}{
		{"all there", caps(append(base, backends.OpTypeReverse), dtypes.Float32, dtypes.Float64), "[]", "[]"},
		{"no reverse", caps(base, dtypes.Float32, dtypes.Float64), "[Reverse]", "[]"},
		{"float32 only", caps(append(base, backends.OpTypeReverse), dtypes.Float32), "[]", "[Float64]"},
		{"nothing", caps(nil), "[Add ConvertDType Parameter Reverse]", "[Float32 Float64]"},
	} {
		ops, types := use.Missing(tc.caps)
		if got := fmt.Sprint(ops); got != tc.wantOps {
			t.Errorf("%s: missing operations %s, want %s", tc.name, got, tc.wantOps)
		}
		if got := fmt.Sprint(types); got != tc.wantTypes {
			t.Errorf("%s: missing data types %s, want %s", tc.name, got, tc.wantTypes)
		}
	}
}
