package metric

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// hardMasks returns the foreground masks of prediction and target as floats
// [B, K, S...]: K = 1 for one channel, C−1 (classes 1..C−1) otherwise.
func hardMasks(name string, pred, target *graph.Node) (p, y *graph.Node) {
	pd, td := pred.Shape().Dimensions, target.Shape().Dimensions
	ok := len(pd) >= 3 && len(pd) == len(td) && pd[0] == td[0] && (td[1] == 1 || td[1] == pd[1])
	for i := 2; ok && i < len(pd); i++ {
		ok = pd[i] == td[i]
	}
	if !ok {
		panic(fmt.Errorf("metric %s: prediction %v and target %v do not match (want target [B, 1 or C, same spatial])", name, pd, td))
	}
	dt := pred.DType()
	target = graph.ConvertDType(target, dt)
	c := pd[1]
	if c == 1 {
		p = graph.ConvertDType(graph.GreaterThan(pred, graph.ZerosLike(pred)), dt)
		y = graph.ConvertDType(graph.GreaterThan(target, graph.MulScalar(graph.OnesLike(target), 0.5)), dt)
		return p, y
	}
	classes := graph.Iota(pred.Graph(), pred.Shape(), 1)
	arg := graph.ConvertDType(graph.ArgMax(pred, 1), dt) // [B, S...]
	arg = graph.InsertAxes(arg, 1)
	p = graph.ConvertDType(graph.Equal(graph.BroadcastToDims(arg, pd...), classes), dt)
	if td[1] == c {
		y = target
	} else {
		y = graph.ConvertDType(graph.Equal(graph.BroadcastToDims(graph.Round(target), pd...), classes), dt)
	}
	fg := graph.AxisRange(1, c)
	return graph.Slice(p, graph.AxisRange(), fg), graph.Slice(y, graph.AxisRange(), fg)
}

// overlap returns per-sample-and-class intersection, |p| and |y| [B, K].
func overlap(name string, pred, target *graph.Node) (inter, ps, ys *graph.Node) {
	p, y := hardMasks(name, pred, target)
	axes := spatialAxes(p)
	return graph.ReduceSum(graph.Mul(p, y), axes...), graph.ReduceSum(p, axes...), graph.ReduceSum(y, axes...)
}

// ratioOrOne returns num/den where den > 0, 1 where den == 0 (both masks empty).
func ratioOrOne(num, den *graph.Node) *graph.Node {
	zero := graph.ZerosLike(den)
	empty := graph.Equal(den, zero)
	return graph.Where(empty, graph.OnesLike(den), graph.Div(num, graph.Where(empty, graph.OnesLike(den), den)))
}

// Dice is the mean Dice coefficient 2|P∩Y|/(|P|+|Y|) over samples and foreground classes.
func Dice(pred, target *graph.Node) *graph.Node {
	inter, ps, ys := overlap("dice", pred, target)
	return graph.ReduceAllMean(ratioOrOne(graph.MulScalar(inter, 2), graph.Add(ps, ys)))
}

// IoU is the mean intersection over union |P∩Y|/|P∪Y| over samples and foreground classes.
func IoU(pred, target *graph.Node) *graph.Node {
	inter, ps, ys := overlap("iou", pred, target)
	return graph.ReduceAllMean(ratioOrOne(inter, graph.Sub(graph.Add(ps, ys), inter)))
}
