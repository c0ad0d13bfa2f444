package nn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors/images"
)

// MaxPool takes the maximum over windows of size window with the given stride on every
// spatial axis of x [B, C, S...], without padding. Its gradient (SelectAndScatterMax)
// is provided by the im2im backend.
func MaxPool(x *graph.Node, window, stride int) *graph.Node {
	return graph.MaxPool(x).ChannelsAxis(images.ChannelsFirst).Window(window).Strides(stride).NoPadding().Done()
}

// MaxPoolAxes is MaxPool with one window size and stride per spatial axis.
func MaxPoolAxes(x *graph.Node, window, strides []int) *graph.Node {
	return graph.MaxPool(x).ChannelsAxis(images.ChannelsFirst).WindowPerAxis(window...).StridePerAxis(strides...).NoPadding().Done()
}
