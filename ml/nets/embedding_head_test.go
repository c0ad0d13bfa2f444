package nets

import (
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// TestUNetEmbedSegHead checks that a U-Net with HeadInitEmbedSeg starts with
// offsets 0 and sigmas 1 everywhere and a seed channel that varies, in 2D and
// 3D, and that Validate names a bad head_init and a wrong channel count.
func TestUNetEmbedSegHead(t *testing.T) {
	b := newBackend(t)
	for _, tc := range []struct {
		name string
		net  Config
		in   []int
	}{
		{"2D", Config{Dims: 2, OutChannels: 5, Features: []int{4, 8}, HeadInit: HeadInitEmbedSeg}, []int{2, 1, 8, 12}},
		{"3D", Config{Dims: 3, OutChannels: 7, Features: []int{4, 8}, HeadInit: HeadInitEmbedSeg}, []int{1, 1, 4, 8, 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := context.MustExecOnce(b, context.New(), func(ctx *context.Context, x *graph.Node) *graph.Node {
				return UNet(tc.net).Build(ctx, x)
			}, randomInput(1, tc.in...))
			vals := tensors.MustCopyFlatData[float32](out)
			d := out.Shape().Dimensions
			n := len(vals) / (d[0] * d[1])
			for s := range d[0] {
				for c := range d[1] {
					lo, hi := float32(1e9), float32(-1e9)
					for _, v := range vals[(s*d[1]+c)*n : (s*d[1]+c+1)*n] {
						lo, hi = min(lo, v), max(hi, v)
					}
					switch {
					case c < tc.net.Dims && (lo != 0 || hi != 0):
						t.Errorf("offset channel %d spans [%v, %v] at init, want 0", c, lo, hi)
					case c >= tc.net.Dims && c < 2*tc.net.Dims && (lo != 1 || hi != 1):
						t.Errorf("sigma channel %d spans [%v, %v] at init, want 1", c, lo, hi)
					case c == 2*tc.net.Dims && !(hi > lo):
						t.Errorf("seed channel is constant %v at init", lo)
					}
				}
			}
		})
	}
	for _, tc := range []struct {
		net  Config
		want string
	}{
		{Config{Dims: 2, OutChannels: 5, HeadInit: "zeros"}, `unet.head_init: want "embedseg"`},
		{Config{Dims: 3, OutChannels: 5, HeadInit: HeadInitEmbedSeg}, "unet.out_channels: embedseg needs 2·dims+1 = 7"},
	} {
		if err := UNet(tc.net).Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: want an error with %q, got %v", tc.net, tc.want, err)
		}
	}
}
