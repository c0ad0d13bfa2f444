package loss

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Loss is a training loss.
type Loss interface {
	// Loss returns the scalar loss of pred against target.
	Loss(pred, target *graph.Node) *graph.Node
}

// Weighted is a Loss that also takes a per-voxel cost map weight [B, 1, S...].
type Weighted interface {
	Loss
	// WeightedLoss returns the loss with each voxel's contribution scaled by weight.
	WeightedLoss(pred, target, weight *graph.Node) *graph.Node
}

// Fn adapts l to the trainer's loss signature.
func Fn(l Loss) func(pred, target *graph.Node) *graph.Node { return l.Loss }

// spatialAxes returns 2..rank-1.
func spatialAxes(x *graph.Node) []int {
	axes := make([]int, 0, x.Rank()-2)
	for i := 2; i < x.Rank(); i++ {
		axes = append(axes, i)
	}
	return axes
}

// checkPair panics with a clear error unless pred and target have compatible shapes
// for a segmentation loss.
func checkSeg(name string, pred, target *graph.Node) {
	p, t := pred.Shape().Dimensions, target.Shape().Dimensions
	ok := len(p) >= 3 && len(p) == len(t) && p[0] == t[0] && (t[1] == 1 || t[1] == p[1])
	for i := 2; ok && i < len(p); i++ {
		ok = p[i] == t[i]
	}
	if !ok {
		panic(fmt.Errorf("loss %s: prediction %v and target %v do not match (want target [B, 1 or C, same spatial])", name, p, t))
	}
}

func checkSame(name string, pred, target *graph.Node) {
	if !pred.Shape().Equal(target.Shape()) {
		panic(fmt.Errorf("loss %s: prediction %s and target %s must have the same shape", name, pred.Shape(), target.Shape()))
	}
}

// probabilities returns sigmoid(pred) for one channel, softmax over channels otherwise.
func probabilities(pred *graph.Node) *graph.Node {
	if pred.Shape().Dimensions[1] == 1 {
		return graph.Sigmoid(pred)
	}
	return graph.Softmax(pred, 1)
}

// logProbabilities returns log p per channel (stable): for one channel, log sigmoid
// of the logit; otherwise log-softmax over channels.
func logProbabilities(pred *graph.Node) *graph.Node {
	if pred.Shape().Dimensions[1] == 1 {
		return graph.Neg(softplus(graph.Neg(pred)))
	}
	m := graph.StopGradient(graph.ReduceAndKeep(pred, graph.ReduceMax, 1))
	z := graph.Sub(pred, m)
	return graph.Sub(z, graph.Log(graph.ReduceAndKeep(graph.Exp(z), graph.ReduceSum, 1)))
}

// softplus is log(1+exp(x)), computed stably as max(x,0) + log(1+exp(-|x|)).
func softplus(x *graph.Node) *graph.Node {
	return graph.Add(graph.Max(x, graph.ZerosLike(x)), graph.Log1P(graph.Exp(graph.Neg(graph.Abs(x)))))
}

// oneHot returns the target as per-class indicators shaped like pred: a 0/1 mask for
// one channel, the target itself if already one-hot, else class indices compared with
// each channel index.
func oneHot(pred, target *graph.Node) *graph.Node {
	c := pred.Shape().Dimensions[1]
	target = graph.ConvertDType(target, pred.DType())
	if c == 1 || target.Shape().Dimensions[1] == c {
		return target
	}
	classes := graph.Iota(pred.Graph(), pred.Shape(), 1)
	return graph.ConvertDType(graph.Equal(graph.BroadcastToDims(target, pred.Shape().Dimensions...), classes), pred.DType())
}
