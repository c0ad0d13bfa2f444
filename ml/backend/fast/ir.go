package fast

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// nodeKind says how a recorded node is executed.
type nodeKind int

const (
	kindParameter     nodeKind = iota // a graph input
	kindInner                         // replayed on the inner backend, inside a segment
	kindConv                          // native ConvGeneral
	kindReverse                       // native Reverse
	kindBinary                        // native float32 element-wise binary op (with size-1 broadcasting)
	kindReduce                        // native float32 ReduceSum / ReduceMax
	kindBroadcast                     // native float32 BroadcastInDim
	kindTranspose                     // native float32 Transpose
	kindMulReduce                     // native ReduceSum(Mul(a, b)) fused at compile time
	kindUnary                         // native float32 element-wise unary op
	kindReduceWindow                  // native float32 max/sum pooling
	kindSelectScatter                 // native float32 SelectAndScatterMax (max-pool gradient)
	kindDot                           // native float32 DotGeneral
	kindSlice                         // native float32 Slice (strided copy)
	kindConcat                        // native float32 Concatenate (axes: the axis)
	kindWhere                         // native Where: bool condition, float32 values
	kindCompare                       // native float32 comparison (bool output)
	kindGather                        // native element gather from a flat float32 table
	kindScatter                       // native element scatter-add into a flat float32 operand
	kindPad                           // native float32 Pad without interior padding (axes: padding before)
	kindIota                          // native float32 Iota (axes: the iota axis)
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
	axes    []int // kindReduce: reduced axes; kindBroadcast: broadcast axes; kindTranspose: permutation
	binOp   kernels.BinaryOp
	redOp   kernels.ReduceOp
	product shapes.Shape // kindMulReduce: shape of the (never materialized) product
	unOp    kernels.UnaryOp
	window  *kernels.Window // kindReduceWindow, kindSelectScatter
	dot     [4][]int        // kindDot: lhs contracting, lhs batch, rhs contracting, rhs batch
	slice   [2][]int        // kindSlice: starts, strides
	cmpOp   kernels.CompareOp
}

// value is one output of a node; it is the backends.Op handed to GoMLX.
type value struct {
	builder *Builder
	node    *node
	id      int // position in Builder.values
	shape   shapes.Shape
	mirror  backends.Op // the equivalent op in the shape-checking mirror builder
}
