package nn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// AvgPool averages x [B, C, S...] over windows of size window with the given
// stride and zero padding pad on both sides of every spatial axis, dividing by
// the number of voxels inside the image (PyTorch's AvgPool with
// count_include_pad=False): the multiscale PatchGAN's down-sampling. It is a
// strided convolution of every channel with a kernel of ones (exact gradient,
// the backend's native convolution), divided by a constant map of counts.
func AvgPool(x *graph.Node, window, stride, pad int) *graph.Node {
	checkSpatial("AvgPool", x)
	if window < 1 || stride < 1 || pad < 0 || pad >= window {
		panicf("AvgPool: window %d, stride %d, padding %d invalid", window, stride, pad)
	}
	dims := x.Shape().Dimensions
	spatial := len(dims) - 2
	b, c := dims[0], dims[1]
	ks := uniform(spatial, window)
	flat := graph.Reshape(x, append([]int{b * c, 1}, dims[2:]...)...)
	w := graph.Ones(x.Graph(), shapeOf(x, append([]int{1, 1}, ks...)...))
	pads := make([][2]int, spatial)
	for i := range pads {
		pads[i] = [2]int{pad, pad}
	}
	sum := ConvND(flat, w, nil, uniform(spatial, stride), pads)
	outDims := sum.Shape().Dimensions[2:]
	counts := countMap(dims[2:], outDims, window, stride, pad)
	cnt := graph.ConstTensor(x.Graph(), tensors.FromFlatDataAndDimensions(counts, append([]int{1, 1}, outDims...)...))
	y := graph.Div(sum, graph.ConvertDType(cnt, x.DType()))
	return graph.Reshape(y, append([]int{b, c}, outDims...)...)
}

// countMap returns, for every output voxel of a pooling of an image of size in
// (window, stride, padding), how many of its window's voxels lie inside the
// image.
func countMap(in, out []int, window, stride, pad int) []float32 {
	perAxis := make([][]float32, len(in))
	for a := range in {
		perAxis[a] = make([]float32, out[a])
		for o := range out[a] {
			start := o*stride - pad
			n := 0
			for k := range window {
				if i := start + k; i >= 0 && i < in[a] {
					n++
				}
			}
			perAxis[a][o] = float32(n)
		}
	}
	total := 1
	for _, o := range out {
		total *= o
	}
	res := make([]float32, total)
	idx := make([]int, len(out))
	for i := range res {
		v := float32(1)
		for a := range out {
			v *= perAxis[a][idx[a]]
		}
		res[i] = v
		for a := len(out) - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < out[a] {
				break
			}
			idx[a] = 0
		}
	}
	return res
}
