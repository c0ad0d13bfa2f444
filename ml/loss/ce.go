package loss

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// CE is cross-entropy on logits: binary (sigmoid) for one channel, softmax otherwise.
// With ClassWeights (one per class; for one channel: background, foreground) each
// voxel counts by the weight of its true class and the sum is divided by the total
// weight, as PyTorch's weighted CrossEntropyLoss.
type CE struct {
	ClassWeights []float64
}

// Loss implements Loss.
func (l CE) Loss(pred, target *graph.Node) *graph.Node { return l.WeightedLoss(pred, target, nil) }

// WeightedLoss implements Weighted: each voxel's term is also multiplied by the cost
// map weight [B, 1, S...] (nil for none).
func (l CE) WeightedLoss(pred, target, weight *graph.Node) *graph.Node {
	checkSeg("ce", pred, target)
	nll, y := voxelNLL(pred, target) // [B, 1, S...]
	w := l.voxelClassWeights(pred, y)
	if weight != nil {
		checkWeight("ce", nll, weight)
		w = mulOrSet(w, graph.ConvertDType(weight, pred.DType()))
	}
	if w == nil {
		return graph.ReduceAllMean(nll)
	}
	if len(l.ClassWeights) > 0 {
		// Normalize by the class weights only (PyTorch), keep the cost map as a factor.
		cw := l.voxelClassWeights(pred, y)
		return graph.Div(graph.ReduceAllSum(graph.Mul(nll, w)), graph.ReduceAllSum(cw))
	}
	return graph.ReduceAllMean(graph.Mul(nll, w))
}

// voxelNLL returns −log p(true class) per voxel [B, 1, S...] and the one-hot target.
func voxelNLL(pred, target *graph.Node) (nll, y *graph.Node) {
	y = oneHot(pred, target)
	if pred.Shape().Dimensions[1] == 1 {
		// −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y·z
		return graph.Sub(softplus(pred), graph.Mul(y, pred)), y
	}
	logp := logProbabilities(pred)
	return graph.Neg(graph.ReduceAndKeep(graph.Mul(y, logp), graph.ReduceSum, 1)), y
}

// voxelClassWeights returns the weight of each voxel's true class [B, 1, S...], or nil.
func (l CE) voxelClassWeights(pred, y *graph.Node) *graph.Node {
	if len(l.ClassWeights) == 0 {
		return nil
	}
	return classWeightMap("ce", l.ClassWeights, pred, y)
}

// classWeightMap maps one-hot y to per-voxel weights [B, 1, S...].
func classWeightMap(name string, weights []float64, pred, y *graph.Node) *graph.Node {
	c := pred.Shape().Dimensions[1]
	want := c
	if c == 1 {
		want = 2
	}
	if len(weights) != want {
		panic(fmt.Errorf("loss %s: class_weights has %d values, want %d (one per class)", name, len(weights), want))
	}
	g := pred.Graph()
	if c == 1 {
		w0 := graph.Scalar(g, pred.DType(), weights[0])
		w1 := graph.Scalar(g, pred.DType(), weights[1])
		return graph.Add(w0, graph.Mul(y, graph.Sub(w1, w0)))
	}
	wv := graph.ConvertDType(graph.Const(g, weights), pred.DType())
	wv = graph.Reshape(wv, append([]int{1, c}, ones(pred.Rank()-2)...)...)
	return graph.ReduceAndKeep(graph.Mul(y, wv), graph.ReduceSum, 1)
}

func checkWeight(name string, like, weight *graph.Node) {
	if !sameDims(like, weight) {
		panic(fmt.Errorf("loss %s: cost map %s must be shaped %v", name, weight.Shape(), like.Shape().Dimensions))
	}
}

func sameDims(a, b *graph.Node) bool {
	da, db := a.Shape().Dimensions, b.Shape().Dimensions
	if len(da) != len(db) {
		return false
	}
	for i := range da {
		if da[i] != db[i] {
			return false
		}
	}
	return true
}

func mulOrSet(a, b *graph.Node) *graph.Node {
	if a == nil {
		return b
	}
	return graph.Mul(a, b)
}

func ones(n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = 1
	}
	return o
}
