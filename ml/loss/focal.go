package loss

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Focal is the focal loss (Lin et al. 2017): −Σ_c y_c·(1−p_c)^γ·log p_c per voxel
// (binary form for one channel), averaged. Gamma 0 means 2. ClassWeights (one per
// class; background, foreground for one channel) scale each voxel by its true class.
type Focal struct {
	Gamma        float64
	ClassWeights []float64
}

func (l Focal) gamma() float64 {
	if l.Gamma == 0 {
		return 2
	}
	return l.Gamma
}

// Loss implements Loss.
func (l Focal) Loss(pred, target *graph.Node) *graph.Node { return l.WeightedLoss(pred, target, nil) }

// WeightedLoss implements Weighted.
func (l Focal) WeightedLoss(pred, target, weight *graph.Node) *graph.Node {
	checkSeg("focal", pred, target)
	y := oneHot(pred, target)
	g := l.gamma()
	var fl *graph.Node // [B, 1, S...]
	if pred.Shape().Dimensions[1] == 1 {
		p := graph.Sigmoid(pred)
		logp := graph.Neg(softplus(graph.Neg(pred)))
		log1mp := graph.Neg(softplus(pred))
		pos := graph.Mul(graph.Mul(y, graph.Pow(graph.OneMinus(p), graph.Scalar(p.Graph(), p.DType(), g))), logp)
		neg := graph.Mul(graph.Mul(graph.OneMinus(y), graph.Pow(p, graph.Scalar(p.Graph(), p.DType(), g))), log1mp)
		fl = graph.Neg(graph.Add(pos, neg))
	} else {
		logp := logProbabilities(pred)
		p := graph.Exp(logp)
		mod := graph.Pow(graph.OneMinus(p), graph.Scalar(p.Graph(), p.DType(), g))
		fl = graph.Neg(graph.ReduceAndKeep(graph.Mul(graph.Mul(y, mod), logp), graph.ReduceSum, 1))
	}
	if len(l.ClassWeights) > 0 {
		fl = graph.Mul(fl, classWeightMap("focal", l.ClassWeights, pred, y))
	}
	if weight != nil {
		checkWeight("focal", fl, weight)
		fl = graph.Mul(fl, graph.ConvertDType(weight, pred.DType()))
	}
	return graph.ReduceAllMean(fl)
}

// GDLFocal is GeneralizedDice + Focal (MONAI's GeneralizedDiceFocalLoss), each
// weighted by LambdaGDL/LambdaFocal (default 1).
type GDLFocal struct {
	Gamma                  float64
	ClassWeights           []float64
	LambdaGDL, LambdaFocal float64
}

// Loss implements Loss.
func (l GDLFocal) Loss(pred, target *graph.Node) *graph.Node {
	return l.WeightedLoss(pred, target, nil)
}

// WeightedLoss implements Weighted: the cost map weights the focal part.
func (l GDLFocal) WeightedLoss(pred, target, weight *graph.Node) *graph.Node {
	gdl := GeneralizedDice{}.Loss(pred, target)
	fl := Focal{Gamma: l.Gamma, ClassWeights: l.ClassWeights}.WeightedLoss(pred, target, weight)
	return graph.Add(graph.MulScalar(gdl, orOne(l.LambdaGDL)), graph.MulScalar(fl, orOne(l.LambdaFocal)))
}
