package metric

import (
	"math"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/im2im/im2im/ml/nn"
)

// PSNR is the peak signal-to-noise ratio 10·log10(R²/MSE) in dB, per sample, averaged.
type PSNR struct {
	// DataRange R; 0 means max(target)−min(target) per sample.
	DataRange float64
}

// Fn computes the metric.
func (m PSNR) Fn(pred, target *graph.Node) *graph.Node {
	checkSame("psnr", pred, target)
	axes := nonBatchAxes(pred)
	mse := graph.ReduceMean(graph.Square(graph.Sub(pred, target)), axes...)
	r2 := graph.Square(dataRange(m.DataRange, target, axes))
	mse = graph.Max(mse, graph.MulScalar(graph.OnesLike(mse), 1e-20))
	psnr := graph.MulScalar(graph.Log(graph.Div(r2, mse)), 10/math.Ln10)
	return graph.ReduceAllMean(psnr)
}

// dataRange returns R per sample [B] (a constant, or the target's range).
func dataRange(r float64, target *graph.Node, axes []int) *graph.Node {
	if r > 0 {
		return graph.MulScalar(graph.OnesLike(graph.ReduceMean(target, axes...)), r)
	}
	return graph.Sub(graph.ReduceMax(target, axes...), graph.ReduceMin(target, axes...))
}

// Pearson is the Pearson correlation coefficient over all voxels of each sample, averaged.
func Pearson(pred, target *graph.Node) *graph.Node {
	checkSame("pearson", pred, target)
	axes := nonBatchAxes(pred)
	pc := graph.Sub(pred, graph.ReduceAndKeep(pred, graph.ReduceMean, axes...))
	tc := graph.Sub(target, graph.ReduceAndKeep(target, graph.ReduceMean, axes...))
	cov := graph.ReduceSum(graph.Mul(pc, tc), axes...)
	den := graph.Sqrt(graph.Mul(graph.ReduceSum(graph.Square(pc), axes...), graph.ReduceSum(graph.Square(tc), axes...)))
	den = graph.Max(den, graph.MulScalar(graph.OnesLike(den), 1e-30))
	return graph.ReduceAllMean(graph.Div(cov, den))
}

// SSIM is the structural similarity index (Wang et al. 2004) with a Gaussian window.
type SSIM struct {
	// DataRange R; 0 means max(target)−min(target) per sample.
	DataRange float64
}

// Fn computes the metric.
func (m SSIM) Fn(pred, target *graph.Node) *graph.Node {
	checkSame("ssim", pred, target)
	dims := pred.Shape().Dimensions
	size := 11
	for _, d := range dims[2:] {
		if d < size {
			size = d
		}
	}
	if size%2 == 0 {
		size--
	}
	axes := nonBatchAxes(pred)
	r := dataRange(m.DataRange, target, axes) // [B]
	r = graph.Reshape(r, append([]int{dims[0]}, onesN(len(dims)-1)...)...)
	c1 := graph.Square(graph.MulScalar(r, 0.01))
	c2 := graph.Square(graph.MulScalar(r, 0.03))
	blur := func(x *graph.Node) *graph.Node { return gaussianFilter(x, size, 1.5) }
	mp, mt := blur(pred), blur(target)
	spp := graph.Sub(blur(graph.Square(pred)), graph.Square(mp))
	stt := graph.Sub(blur(graph.Square(target)), graph.Square(mt))
	spt := graph.Sub(blur(graph.Mul(pred, target)), graph.Mul(mp, mt))
	num := graph.Mul(graph.Add(graph.MulScalar(graph.Mul(mp, mt), 2), c1), graph.Add(graph.MulScalar(spt, 2), c2))
	den := graph.Mul(graph.Add(graph.Add(graph.Square(mp), graph.Square(mt)), c1), graph.Add(graph.Add(spp, stt), c2))
	return graph.ReduceAllMean(graph.Div(num, den))
}

func onesN(n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

// gaussianFilter applies a normalized Gaussian of the given odd size and sigma along
// every spatial axis of x [B, C, S...] (valid positions only), each channel separately.
func gaussianFilter(x *graph.Node, size int, sigma float64) *graph.Node {
	w := make([]float64, size)
	var sum float64
	for i := range w {
		d := float64(i - size/2)
		w[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	dims := x.Shape().Dimensions
	spatial := len(dims) - 2
	// Channels into the batch, so one 1-channel kernel filters each channel.
	h := graph.Reshape(x, append([]int{dims[0] * dims[1], 1}, dims[2:]...)...)
	for a := range spatial {
		kd := []int{1, 1}
		for b := range spatial {
			if b == a {
				kd = append(kd, size)
			} else {
				kd = append(kd, 1)
			}
		}
		k := graph.Reshape(graph.ConvertDType(graph.Const(x.Graph(), w), x.DType()), kd...)
		h = nn.ConvND(h, k, nil, nil, nil)
	}
	out := h.Shape().Dimensions
	return graph.Reshape(h, append([]int{dims[0], dims[1]}, out[2:]...)...)
}
