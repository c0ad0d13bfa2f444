package nn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// BlockConfig configures the normalization, activation and dropout of conv blocks.
// Zero values mean instance norm, PReLU (MONAI's defaults), no dropout and kernel 3.
type BlockConfig struct {
	Norm    string  // one of NormKinds; "" = instance
	Act     string  // one of ActNames; "" = prelu
	Dropout float64 // dropout rate after the activation, 0 = none
	Kernel  int     // kernel size of ResidualUnit's convolutions; 0 = 3
}

// KernelSize returns Kernel, or 3 when zero.
func (c BlockConfig) KernelSize() int {
	if c.Kernel == 0 {
		return 3
	}
	return c.Kernel
}

func (c BlockConfig) act() string {
	if c.Act == "" {
		return ActPReLU
	}
	return c.Act
}

// ConvBlock is conv(kernel, stride) → norm → act → dropout, each in its own sub-scope
// of ctx ("conv", "norm", "act"). The conv has a bias only when Norm is "none".
func ConvBlock(ctx *context.Context, x *graph.Node, out, kernel, stride int, cfg BlockConfig) *graph.Node {
	return ConvBlockAxes(ctx, x, out, kernel, uniform(x.Rank()-2, stride), cfg)
}

// ConvBlockAxes is ConvBlock with one stride per spatial axis.
func ConvBlockAxes(ctx *context.Context, x *graph.Node, out, kernel int, strides []int, cfg BlockConfig) *graph.Node {
	checkSpatial("ConvBlock", x)
	x = ConvAxes(ctx.In("conv"), x, out, kernel, strides, cfg.Norm == NormNone)
	x = Norm(ctx.In("norm"), x, cfg.Norm)
	x = Act(ctx.In("act"), x, cfg.act())
	return Dropout(ctx, x, cfg.Dropout)
}

// ResidualUnit is MONAI's residual unit: subunits (≥1) ConvBlocks with kernel
// cfg.KernelSize(), the first with the given stride, added to a residual path that is
// the identity when shapes match, else a conv (that kernel when strided, 1 otherwise)
// with that stride.
func ResidualUnit(ctx *context.Context, x *graph.Node, out, stride, subunits int, cfg BlockConfig) *graph.Node {
	return ResidualUnitAxes(ctx, x, out, uniform(x.Rank()-2, stride), subunits, cfg)
}

// ResidualUnitAxes is ResidualUnit with one stride per spatial axis.
func ResidualUnitAxes(ctx *context.Context, x *graph.Node, out int, strides []int, subunits int, cfg BlockConfig) *graph.Node {
	checkSpatial("ResidualUnit", x)
	in := x.Shape().Dimensions[1]
	res := x
	strided := !allOnes(strides)
	if strided || in != out {
		k := 1
		if strided {
			k = cfg.KernelSize()
		}
		res = ConvAxes(ctx.In("residual"), x, out, k, strides, true)
	}
	y := x
	for i := range max(subunits, 1) {
		s := uniform(len(strides), 1)
		if i == 0 {
			s = strides
		}
		y = ConvBlockAxes(ctx.Inf("unit%d", i), y, out, cfg.KernelSize(), s, cfg)
	}
	return graph.Add(y, res)
}

// AttentionGate weights the skip features x [B, Cx, S...] by a gate computed from g
// [B, Cg, S...] (same spatial size, e.g. after UpConv): psi = sigmoid(norm(conv1×1(
// relu(norm(conv1×1(g)) + norm(conv1×1(x)))))) with inter channels, returns x·psi.
func AttentionGate(ctx *context.Context, g, x *graph.Node, inter int, norm string) *graph.Node {
	checkSpatial("AttentionGate", x)
	if !sameSpatial(g, x) {
		panicf("AttentionGate: gate %s and skip %s must have the same spatial size", g.Shape(), x.Shape())
	}
	g1 := Norm(ctx.In("g_norm"), Conv(ctx.In("g_conv"), g, inter, 1, 1, true), norm)
	x1 := Norm(ctx.In("x_norm"), Conv(ctx.In("x_conv"), x, inter, 1, 1, true), norm)
	psi := Activate(graph.Add(g1, x1), ActReLU)
	psi = Norm(ctx.In("psi_norm"), Conv(ctx.In("psi_conv"), psi, 1, 1, 1, true), norm)
	psi = graph.Sigmoid(psi)
	return graph.Mul(x, psi)
}

func sameSpatial(a, b *graph.Node) bool {
	da, db := a.Shape().Dimensions, b.Shape().Dimensions
	if len(da) != len(db) || da[0] != db[0] {
		return false
	}
	for i := 2; i < len(da); i++ {
		if da[i] != db[i] {
			return false
		}
	}
	return true
}
