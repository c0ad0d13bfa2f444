package im2im

import (
	"fmt"
	"strings"
)

// replaceNet notes loudly a network im2im lacks (mmv's fnet, aicsmlsegment's
// UNet3D, MONAI's HighResNet, any other class) and returns the features of the
// UNet that replaces it (nil: UNet's defaults). Its parameters other than the
// dims and channels are used up here.
func (c *mmvConv) replaceNet(t *mmvTransform, module, fn, at string) []int {
	var features []int
	var why string
	switch {
	case strings.Contains(module, "fnet_nn"):
		depth, mult := 4, 32 // fnet's defaults
		if v, ok := integer(t.param("depth")); ok && v > 0 {
			depth = v
		}
		if v, ok := integer(t.param("mult_chan")); ok && v > 0 {
			mult = v
		}
		for i := 0; i <= depth; i++ {
			features = append(features, mult<<i)
		}
		why = fmt.Sprintf("mmv's fnet (%s.%s, depth %d, mult_chan %d) is not in im2im: replaced by im2im's UNet with the same levels (features %v, stride-2 down-sampling)", module, fn, depth, mult, features)
	case strings.Contains(module, "aicsmlsegment") || fn == "UNet3D":
		why = fmt.Sprintf("aicsmlsegment's UNet3D (%s.%s, xy-zoomed, unpadded, with side outputs) is not in im2im: replaced by im2im's UNet with the same dims and channels (default features)", module, fn)
	case fn == "HighResNet":
		why = fmt.Sprintf("MONAI's HighResNet (%s.%s, dilated residual blocks at full resolution) is not in im2im: replaced by im2im's UNet with the same dims and channels (default features)", module, fn)
	default:
		why = fmt.Sprintf("%s.%s is not in im2im: replaced by im2im's UNet with the same dims and channels (default features)", module, fn)
	}
	c.replace(t.node, t.path+".func_name", at, why)
	for _, e := range entries(t.params) {
		switch e.key {
		case "spatial_dims", "dimensions", "in_channels", "in_channel", "input_channels", "out_channels", "n_classes", "num_classes":
		default:
			t.used[e.key] = true
		}
	}
	return features
}
