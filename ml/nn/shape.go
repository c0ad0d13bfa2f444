package nn

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// shapeOf returns a shape with x's dtype and the given dimensions.
func shapeOf(x *graph.Node, dims ...int) shapes.Shape { return shapes.Make(x.DType(), dims...) }

// channelVector reshapes a [C] vector to [1, C, 1, …] matching x's rank.
func channelVector(v, x *graph.Node) *graph.Node {
	return graph.Reshape(v, expandDims(v.Shape().Size(), x.Rank()-2)...)
}

// panicf panics with a formatted error: graph-building code in GoMLX reports misuse by
// panicking, and callers (the trainer, the frameworks) turn it into an error.
func panicf(format string, args ...any) { panic(fmt.Errorf(format, args...)) }
