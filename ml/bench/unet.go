package bench

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/im2im/im2im/ml/nn"
)

// unetBlock is conv3+BN+ReLU twice, as in the PyTorch script (convs with bias).
func unetBlock(ctx *context.Context, x *graph.Node, out int) *graph.Node {
	for i := range 2 {
		c := ctx.In(fmt.Sprintf("c%d", i))
		x = nn.Conv(c.In("conv"), x, out, 3, 1, true)
		x = nn.Norm(c.In("norm"), x, nn.NormBatch)
		x = nn.Activate(x, "relu")
	}
	return x
}

// ReferenceUNet is the network of torch_unet.py (base 16, two levels down: two
// conv3+BN+ReLU per level, max-pool, ConvTranspose k2 s2, skip concat, 1×1 out),
// with the signature of a GoMLX train.ModelFn.
func ReferenceUNet(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
	const b = 16
	x := inputs[0]
	e1 := unetBlock(ctx.In("e1"), x, b)
	e2 := unetBlock(ctx.In("e2"), nn.MaxPool(e1, 2, 2), 2*b)
	bt := unetBlock(ctx.In("bt"), nn.MaxPool(e2, 2, 2), 4*b)
	u2 := nn.UpConv(ctx.In("u2"), bt, 2*b)
	d2 := unetBlock(ctx.In("d2"), graph.Concatenate([]*graph.Node{u2, e2}, 1), 2*b)
	u1 := nn.UpConv(ctx.In("u1"), d2, b)
	d1 := unetBlock(ctx.In("d1"), graph.Concatenate([]*graph.Node{u1, e1}, 1), b)
	return []*graph.Node{nn.Conv(ctx.In("out"), d1, 1, 1, 1, true)}
}

// ConvFLOPs counts the multiply-adds ×2 of one training step's convolutions
// (forward, input gradient and kernel gradient: 3× the forward; the first layer's input
// gradient is counted too, as PyTorch's would not be — a 1-channel layer, negligible).
func ConvFLOPs(batch int, size []int) float64 {
	d := len(size)
	vox := 1.0
	for _, s := range size {
		vox *= float64(s)
	}
	k3 := 1.0
	for range d {
		k3 *= 3
	}
	up := float64(int(1) << d) // 2^d
	conv := func(cin, cout int, voxels, taps float64) float64 {
		return 2 * float64(batch) * voxels * float64(cin*cout) * taps
	}
	const b = 16
	v1, v2, v3 := vox, vox/up, vox/up/up
	fwd := conv(1, b, v1, k3) + conv(b, b, v1, k3) +
		conv(b, 2*b, v2, k3) + conv(2*b, 2*b, v2, k3) +
		conv(2*b, 4*b, v3, k3) + conv(4*b, 4*b, v3, k3) +
		conv(4*b, 2*b, v3, up) + // ConvTranspose k2 s2: each input voxel emits 2^d outputs
		conv(4*b, 2*b, v2, k3) + conv(2*b, 2*b, v2, k3) +
		conv(2*b, b, v2, up) +
		conv(2*b, b, v1, k3) + conv(b, b, v1, k3) +
		conv(b, 1, v1, 1)
	return 3 * fwd
}
