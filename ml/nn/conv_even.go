package nn

import "github.com/gomlx/gomlx/pkg/core/graph"

// GoMLX's input gradient of a convolution is one voxel off along every axis whose kernel
// size is even: its transposed convolution pads K−2−p instead of K−1−p before, so it
// returns dx[i+1] at position i, and the true dx[0] is lost. ConvND corrects it without
// convolving a larger kernel where the padding before is at least 1: it prepends one
// zero voxel to x along such an axis (and pads one less, so the output is unchanged);
// GoMLX's gradient for that longer input then holds every true value, one voxel early,
// and a custom gradient on the padded input moves it back into place. The kernel
// gradient is unaffected. Axes with no padding before still embed the kernel in an odd
// one (appendZero), which convolves (K+1)/K times the taps.

// evenShiftAxes returns the spatial axes (0-based) where ConvND shifts: even kernel
// size and padding before ≥ 1.
func evenShiftAxes(kernel []int, paddings [][2]int) []int {
	var axes []int
	for i, k := range kernel {
		if k%2 == 0 && paddings[i][0] >= 1 {
			axes = append(axes, i)
		}
	}
	return axes
}

// shiftForEvenKernel prepends a zero voxel to x [B, C, S...] along each spatial axis of
// axes, lowers those axes' padding before by one, and returns the padded input with the
// custom gradient that undoes GoMLX's one-voxel error.
func shiftForEvenKernel(x *graph.Node, axes []int, paddings [][2]int) *graph.Node {
	for _, a := range axes {
		x = prependZero(x, 2+a)
		paddings[a][0]--
	}
	return graph.IdentityWithCustomGradient(x, func(_, v *graph.Node) *graph.Node {
		// v[i] is the true gradient of position i+1 along each shifted axis: move it there.
		// Position 0 is the prepended zero, whose gradient is dropped by the concatenation.
		for _, a := range axes {
			n := v.Shape().Dimensions[2+a]
			v = prependZero(graph.SliceAxis(v, 2+a, graph.AxisRange(0, n-1)), 2+a)
		}
		return v
	})
}

// prependZero puts one slice of zeros before the start of axis (a Concatenate, whose
// gradient is exact).
func prependZero(x *graph.Node, axis int) *graph.Node {
	dims := append([]int(nil), x.Shape().Dimensions...)
	dims[axis] = 1
	return graph.Concatenate([]*graph.Node{graph.Zeros(x.Graph(), shapeOf(x, dims...)), x}, axis)
}
