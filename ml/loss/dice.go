package loss

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Smooth is the Dice smoothing added to numerator and denominator (MONAI's 1e-5).
const Smooth = 1e-5

// Dice is the soft Dice loss 1 − (2·Σp·y + s)/(Σp + Σy + s), computed per sample and
// class over the spatial axes and averaged (MONAI's DiceLoss with sigmoid/softmax and
// one-hot targets). ExcludeBackground drops class 0 when there are ≥ 2 classes.
type Dice struct {
	ExcludeBackground bool
}

// Loss implements Loss.
func (l Dice) Loss(pred, target *graph.Node) *graph.Node {
	checkSeg("dice", pred, target)
	p, y := l.pick(probabilities(pred), oneHot(pred, target))
	axes := spatialAxes(p)
	inter := graph.ReduceSum(graph.Mul(p, y), axes...)
	den := graph.Add(graph.ReduceSum(p, axes...), graph.ReduceSum(y, axes...))
	dice := graph.Div(graph.AddScalar(graph.MulScalar(inter, 2), Smooth), graph.AddScalar(den, Smooth))
	return graph.OneMinus(graph.ReduceAllMean(dice))
}

func (l Dice) pick(p, y *graph.Node) (*graph.Node, *graph.Node) {
	c := p.Shape().Dimensions[1]
	if !l.ExcludeBackground || c < 2 {
		return p, y
	}
	return graph.Slice(p, graph.AxisRange(), graph.AxisRange(1, c)), graph.Slice(y, graph.AxisRange(), graph.AxisRange(1, c))
}

// GeneralizedDice is the generalized Dice loss (Sudre et al. 2017, as MONAI): per
// sample, class c weighs w_c = 1/(Σy_c)²; classes absent from the target get the
// largest weight present. Loss = 1 − (2·Σ_c w_c·I_c + s)/(Σ_c w_c·(Σp_c + Σy_c) + s).
type GeneralizedDice struct{}

// Loss implements Loss.
func (GeneralizedDice) Loss(pred, target *graph.Node) *graph.Node {
	checkSeg("generalized_dice", pred, target)
	p, y := probabilities(pred), oneHot(pred, target)
	axes := spatialAxes(p)
	inter := graph.ReduceSum(graph.Mul(p, y), axes...) // [B, C]
	ysum := graph.ReduceSum(y, axes...)
	den := graph.Add(graph.ReduceSum(p, axes...), ysum)
	zero := graph.ZerosLike(ysum)
	present := graph.GreaterThan(ysum, zero)
	w := graph.Where(present, graph.Inverse(graph.Square(graph.Where(present, ysum, graph.OnesLike(ysum)))), zero)
	wmax := graph.ReduceAndKeep(w, graph.ReduceMax, 1)
	w = graph.StopGradient(graph.Where(present, w, graph.BroadcastToDims(wmax, w.Shape().Dimensions...)))
	num := graph.AddScalar(graph.MulScalar(graph.ReduceSum(graph.Mul(w, inter), 1), 2), Smooth)
	dd := graph.AddScalar(graph.ReduceSum(graph.Mul(w, den), 1), Smooth)
	return graph.OneMinus(graph.ReduceAllMean(graph.Div(num, dd)))
}

// DiceCE is Dice + cross-entropy (MONAI's DiceCELoss), each weighted by
// LambdaDice/LambdaCE (default 1). ClassWeights go to the CE part.
type DiceCE struct {
	ExcludeBackground    bool
	ClassWeights         []float64
	LambdaDice, LambdaCE float64
}

// Loss implements Loss.
func (l DiceCE) Loss(pred, target *graph.Node) *graph.Node { return l.WeightedLoss(pred, target, nil) }

// WeightedLoss implements Weighted: the cost map weights the CE part.
func (l DiceCE) WeightedLoss(pred, target, weight *graph.Node) *graph.Node {
	d := Dice{ExcludeBackground: l.ExcludeBackground}.Loss(pred, target)
	ce := CE{ClassWeights: l.ClassWeights}.WeightedLoss(pred, target, weight)
	return graph.Add(graph.MulScalar(d, orOne(l.LambdaDice)), graph.MulScalar(ce, orOne(l.LambdaCE)))
}

func orOne(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}
