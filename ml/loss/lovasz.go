package loss

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// LovaszHinge returns the binary Lovász hinge of each row of logits [R, N] against
// 0/1 labels [R, N], as a vector [R]: Σ_i relu(e_i)·g_i over the errors
// e = 1 − logit·(2·label − 1), where g are the Lovász gradient weights of the
// errors sorted in descending order (LovaszHingeWeights), treated as constants.
// The gradient flows through the errors only, as in the sort-based original.
func LovaszHinge(logits, labels *graph.Node, bins int) *graph.Node {
	signs := graph.AddScalar(graph.MulScalar(labels, 2), -1)
	errs := graph.OneMinus(graph.Mul(logits, signs))
	relu := graph.Max(errs, graph.ZerosLike(errs))
	w := LovaszHingeWeights(graph.StopGradient(relu), labels, bins)
	return graph.ReduceSum(graph.Mul(relu, graph.StopGradient(w)), 1)
}

// LovaszHingeWeights returns, per row of errs [R, N] (≥ 0) and 0/1 labels [R, N],
// the weight of each element in the Lovász hinge: the increment of the Jaccard loss
// J(p, n) = 1 − (P − p)/(P + n) when the element is reached in descending order of
// error (p, n: positives and negatives reached so far; P: all positives).
//
// GoMLX has no sort, so the order is taken from a histogram: bins equal bins over
// [0, max error of the row], positive and negative counts per bin by one
// scatter-add, prefix sums from the top bin down. Inside a bin the exact order is
// unknown: its Jaccard increment J(after) − J(before) is split between its positives
// and negatives as the mean of the two extreme orders (positives first, negatives
// first), and each element gets its label's share divided by the count. The weights
// of a row sum to the exact total, so the loss is exact when the errors inside each
// bin are equal; the bin count trades accuracy for work (see DefaultLovaszBins).
func LovaszHingeWeights(errs, labels *graph.Node, bins int) *graph.Node {
	if errs.Rank() != 2 || !errs.Shape().Equal(labels.Shape()) {
		panic(fmt.Errorf("LovaszHingeWeights: errors %s and labels %s must both be [rows, elements]", errs.Shape(), labels.Shape()))
	}
	if bins < 2 {
		panic(fmt.Errorf("LovaszHingeWeights: %d bins, want ≥ 2", bins))
	}
	g, dt := errs.Graph(), errs.DType()
	rows, n := errs.Shape().Dimensions[0], errs.Shape().Dimensions[1]
	// Bin index from the top: 0 holds the largest errors of the row.
	top := graph.ReduceAndKeep(errs, graph.ReduceMax, 1)
	scale := graph.Div(graph.Scalar(g, dt, float64(bins)), graph.Max(top, graph.Scalar(g, dt, math.SmallestNonzeroFloat32)))
	bin := graph.Floor(graph.Mul(errs, scale))
	bin = graph.Clamp(graph.Scalar(g, dt, 0), bin, graph.Scalar(g, dt, float64(bins-1)))
	fromTop := graph.Sub(graph.Scalar(g, dt, float64(bins-1)), bin)
	row := graph.Iota(g, shapes.Make(dt, rows, n), 0)
	// Slot (row, binFromTop, label) of each element, flat.
	slot := graph.Add(graph.MulScalar(graph.Add(graph.MulScalar(row, float64(bins)), fromTop), 2), labels)
	idx := graph.Reshape(graph.ConvertDType(slot, dtypes.Int32), rows*n, 1)
	counts := graph.ScatterSum(graph.Zeros(g, shapes.Make(dt, rows*bins*2)), idx, graph.Ones(g, shapes.Make(dt, rows*n)), false, false)
	counts = graph.Reshape(counts, rows, bins, 2)
	neg := graph.Reshape(graph.Slice(counts, graph.AxisRange(), graph.AxisRange(), graph.AxisElem(0)), rows, bins)
	pos := graph.Reshape(graph.Slice(counts, graph.AxisRange(), graph.AxisRange(), graph.AxisElem(1)), rows, bins)
	posAfter, negAfter := prefixSum(pos), prefixSum(neg)
	posBefore, negBefore := graph.Sub(posAfter, pos), graph.Sub(negAfter, neg)
	total := graph.ReduceAndKeep(labels, graph.ReduceSum, 1) // P [rows, 1]
	one := graph.Scalar(g, dt, 1)
	jaccard := func(p, q *graph.Node) *graph.Node {
		j := graph.OneMinus(graph.Div(graph.Sub(total, p), graph.Max(graph.Add(total, q), one)))
		// Nothing reached yet: J = 0 (also when P = 0).
		return graph.Where(graph.Equal(graph.Add(p, q), graph.ZerosLike(p)), graph.ZerosLike(j), j)
	}
	inc := graph.Sub(jaccard(posAfter, negAfter), jaccard(posBefore, negBefore))
	posShare := graph.MulScalar(graph.Mul(pos, graph.Add(
		graph.Inverse(graph.Max(graph.Add(total, negBefore), one)),
		graph.Inverse(graph.Max(graph.Add(total, negAfter), one)))), 0.5)
	negShare := graph.Sub(inc, posShare)
	perNeg := graph.Div(negShare, graph.Max(neg, one))
	perPos := graph.Div(posShare, graph.Max(pos, one))
	table := graph.Reshape(graph.Stack([]*graph.Node{perNeg, perPos}, 2), rows*bins*2)
	return graph.Reshape(graph.Gather(table, idx), rows, n)
}

// prefixSum returns the inclusive prefix sums of x [R, n] along its last axis, as
// two levels of triangular matrix products (blocks of about √n): O(n^1.5) per row
// instead of CumSum's O(n²) window sum.
func prefixSum(x *graph.Node) *graph.Node {
	g, dt := x.Graph(), x.DType()
	rows, n := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	b := int(math.Ceil(math.Sqrt(float64(n))))
	a := (n + b - 1) / b
	if pad := a*b - n; pad > 0 {
		x = graph.Concatenate([]*graph.Node{x, graph.Zeros(g, shapes.Make(dt, rows, pad))}, 1)
	}
	x = graph.Reshape(x, rows, a, b)
	inner := graph.DotGeneral(x, []int{2}, nil, triangle(g, dt, b, true), []int{0}, nil) // [rows, a, b]
	blockSums := graph.Reshape(graph.Slice(inner, graph.AxisRange(), graph.AxisRange(), graph.AxisElem(b-1)), rows, a)
	before := graph.DotGeneral(blockSums, []int{1}, nil, triangle(g, dt, a, false), []int{0}, nil) // [rows, a]
	out := graph.Add(inner, graph.ExpandAxes(before, -1))
	out = graph.Reshape(out, rows, a*b)
	if a*b > n {
		out = graph.Slice(out, graph.AxisRange(), graph.AxisRange(0, n))
	}
	return out
}

// triangle returns the [n, n] matrix T with T[i][j] = 1 where i ≤ j (inclusive) or
// i < j (strict), so that x·T sums x[0..j].
func triangle(g *graph.Graph, dt dtypes.DType, n int, inclusive bool) *graph.Node {
	v := make([]float32, n*n)
	for i := range n {
		for j := range n {
			if i < j || (inclusive && i == j) {
				v[i*n+j] = 1
			}
		}
	}
	return graph.ConvertDType(graph.Reshape(graph.Const(g, v), n, n), dt)
}
