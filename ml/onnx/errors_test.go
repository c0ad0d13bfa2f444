package onnx

import (
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/im2im/im2im/ml/nets"
)

// Nets and weights that cannot export give an error naming the problem.
func TestExportErrors(t *testing.T) {
	small := nets.UNet{Dims: 2, OutChannels: 1, Features: []int{2, 4}}
	conv := func(dims ...int) *tensors.Tensor { return tensors.FromShape(shapes.Make(dtypes.Float32, dims...)) }
	cases := []struct {
		name string
		net  any
		w    Weights
		want string
	}{
		{"other net", nets.PatchGAN{}, MapWeights{}, "net nets.PatchGAN has no ONNX export"},
		{"invalid config", nets.UNet{Dims: 2, OutChannels: 1, Act: "swish"}, MapWeights{}, "unet.act"},
		{"no weights", small, nil, "no weights"},
		{"missing variable", small, MapWeights{}, "variable /enc0/block0/conv/weights is missing"},
		{"wrong shape", small, MapWeights{"/enc0/block0/conv/weights": conv(2, 1, 5, 5)},
			"variable /enc0/block0/conv/weights has shape [2 1 5 5], the net's config needs [2 -1 3 3]"},
		{"in_channels", nets.UNet{Dims: 2, InChannels: 3, OutChannels: 1, Features: []int{2, 4}},
			MapWeights{"/enc0/block0/conv/weights": conv(2, 1, 3, 3)}, "takes 1 input channels, the config's in_channels is 3"},
		{"integer weights", small, MapWeights{"/enc0/block0/conv/weights": tensors.FromFlatDataAndDimensions(make([]int32, 18), 2, 1, 3, 3)},
			"has dtype Int32; only float32 and float64 export"},
		{"later variable missing", small, MapWeights{"/enc0/block0/conv/weights": conv(2, 1, 3, 3)}, "variable /enc0/block0/norm/gamma is missing"},
	}
	for _, tc := range cases {
		_, _, err := Export(tc.net, tc.w, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}
