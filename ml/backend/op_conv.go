package backend

import (
	"github.com/gomlx/gomlx/backends"
)

// ConvGeneral implements backends.Builder by calling simplego's with empty strides,
// kernel dilations and input dilations filled with ones: GoMLX's convolution gradient
// builds its reverse convolutions without strides, which simplego rejects as stride 0.
func (b *Builder) ConvGeneral(input, kernel backends.Op, axes backends.ConvolveAxesConfig,
	strides []int, paddings [][2]int, inputDilations, kernelDilations []int,
	channelGroupCount, batchGroupCount int) (backends.Op, error) {
	n := len(axes.InputSpatial)
	return b.Builder.ConvGeneral(input, kernel, axes, onesIfEmpty(strides, n), paddings,
		onesIfEmpty(inputDilations, n), onesIfEmpty(kernelDilations, n), channelGroupCount, batchGroupCount)
}

func onesIfEmpty(v []int, n int) []int {
	if len(v) > 0 {
		return v
	}
	out := make([]int, n)
	for i := range out {
		out[i] = 1
	}
	return out
}
