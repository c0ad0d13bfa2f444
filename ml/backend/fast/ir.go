package fast

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// nodeKind says how a recorded node is executed.
type nodeKind int

const (
	kindParameter nodeKind = iota // a graph input
	kindInner                     // replayed on the inner backend, inside a segment
	kindConv                      // native ConvGeneral
	kindReverse                   // native Reverse
)

// replayFn re-creates a recorded op on another builder from its (re-created) inputs.
type replayFn func(ib backends.Builder, in []backends.Op) ([]backends.Op, error)

// node is one recorded operation.
type node struct {
	kind    nodeKind
	opName  string
	inputs  []*value
	outputs []*value
	replay  replayFn
	param   int // kindParameter: index among the graph's parameters
	conv    *convOp
	revAxes []int
}

// value is one output of a node; it is the backends.Op handed to GoMLX.
type value struct {
	builder *Builder
	node    *node
	id      int // position in Builder.values
	shape   shapes.Shape
	mirror  backends.Op // the equivalent op in the shape-checking mirror builder
}
