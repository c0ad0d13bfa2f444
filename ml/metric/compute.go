package metric

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Compute evaluates a metric on host arrays (e.g. a whole predicted image against its
// ground truth): pred with dims predDims, target with dims targetDims, both
// [batch, channels, spatial...]. Shape problems come back as errors, not panics.
func Compute(b backends.Backend, fn Fn, pred []float32, predDims []int, target []float32, targetDims []int) (float64, error) {
	for _, a := range []struct {
		name string
		n    int
		dims []int
	}{{"prediction", len(pred), predDims}, {"target", len(target), targetDims}} {
		size := 1
		for _, d := range a.dims {
			size *= d
		}
		if len(a.dims) < 3 || size != a.n {
			return 0, fmt.Errorf("metric: %s has %d values for dims %v (want [batch, channels, spatial...])", a.name, a.n, a.dims)
		}
	}
	out, err := graph.ExecOnce(b, func(p, y *graph.Node) *graph.Node { return fn(p, y) },
		tensors.FromFlatDataAndDimensions(pred, predDims...), tensors.FromFlatDataAndDimensions(target, targetDims...))
	if err != nil {
		return 0, fmt.Errorf("metric: %w", err)
	}
	return float64(out.Value().(float32)), nil
}
