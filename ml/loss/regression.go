package loss

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// MSE is the mean squared error.
type MSE struct{}

// Loss implements Loss.
func (l MSE) Loss(pred, target *graph.Node) *graph.Node { return l.WeightedLoss(pred, target, nil) }

// WeightedLoss implements Weighted: mean of weight·(pred−target)²; weight broadcasts
// over channels.
func (MSE) WeightedLoss(pred, target, weight *graph.Node) *graph.Node {
	checkSame("mse", pred, target)
	return weightedMean(graph.Square(graph.Sub(pred, target)), weight)
}

// L1 is the mean absolute error.
type L1 struct{}

// Loss implements Loss.
func (l L1) Loss(pred, target *graph.Node) *graph.Node { return l.WeightedLoss(pred, target, nil) }

// WeightedLoss implements Weighted.
func (L1) WeightedLoss(pred, target, weight *graph.Node) *graph.Node {
	checkSame("l1", pred, target)
	return weightedMean(graph.Abs(graph.Sub(pred, target)), weight)
}

// Huber is the Huber (smooth L1) loss: ½d² for |d| ≤ Delta, Delta·(|d| − ½Delta)
// beyond; Delta 0 means 1.
type Huber struct{ Delta float64 }

// Loss implements Loss.
func (l Huber) Loss(pred, target *graph.Node) *graph.Node { return l.WeightedLoss(pred, target, nil) }

// WeightedLoss implements Weighted.
func (l Huber) WeightedLoss(pred, target, weight *graph.Node) *graph.Node {
	checkSame("huber", pred, target)
	delta := orOne(l.Delta)
	d := graph.Abs(graph.Sub(pred, target))
	quad := graph.MulScalar(graph.Square(d), 0.5)
	lin := graph.MulScalar(graph.AddScalar(d, -0.5*delta), delta)
	return weightedMean(graph.Where(graph.LessOrEqual(d, graph.Scalar(d.Graph(), d.DType(), delta)), quad, lin), weight)
}

func weightedMean(v, weight *graph.Node) *graph.Node {
	if weight == nil {
		return graph.ReduceAllMean(v)
	}
	w := graph.ConvertDType(weight, v.DType())
	if w.Rank() == v.Rank() && w.Shape().Dimensions[1] == 1 && v.Shape().Dimensions[1] != 1 {
		w = graph.BroadcastToDims(w, v.Shape().Dimensions...)
	}
	checkWeight("regression", v, w)
	return graph.ReduceAllMean(graph.Mul(v, w))
}
