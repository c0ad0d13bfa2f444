package nn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// normStatsParam is the graph parameter that holds an inference graph's
// *NormStats.
const normStatsParam = "im2im_norm_stats"

// Moments are the statistics of one instance or group norm layer: per group
// (per channel for instance norm) the mean and the biased variance, [G] each
// for fixed statistics; per sample and group, [N, G] each, for collected ones,
// with Count the voxels (times channels per group) they were taken over.
type Moments struct {
	Count, Mean, Var *graph.Node
}

// NormStats makes the instance and group norm layers of one inference graph
// normalise with statistics that do not depend on the window the graph runs
// on: those of the whole image, found beforehand by passes over its windows.
// Layers are numbered in the order the network builds them (its forward
// order), counting only instance and group norm layers. Attach it with
// UseNormStats before building the network; batch norm is unaffected.
type NormStats struct {
	// Fixed holds the mean and variance ([G] each) layer k uses instead of its
	// input's own, for k < len(Fixed); later layers use their input's.
	Fixed []Moments
	// Own, when set ([N, 1, spatial...] at the network input's resolution),
	// marks the voxels each sample owns; layer len(Fixed) then also computes
	// its input's moments over the owned voxels into Collected (the owned
	// region, scaled to the layer's resolution, must fall on its grid).
	Own *graph.Node
	// Collected are layer len(Fixed)'s moments over Own ([N, G] each; Mean
	// and Var are those of the owned voxels, 0 where a sample owns none); nil
	// when the network has no such layer.
	Collected *Moments
	// Layers counts the instance and group norm layers built so far.
	Layers int
}

// UseNormStats attaches s to graph g: every instance and group norm layer that
// Norm builds in g follows it.
func UseNormStats(ctx *context.Context, g *graph.Graph, s *NormStats) {
	ctx.SetGraphParam(g, normStatsParam, s)
}

// normStatsOf returns the NormStats attached to x's graph, or nil.
func normStatsOf(ctx *context.Context, x *graph.Node) *NormStats {
	s, _ := ctx.GetGraphParam(x.Graph(), normStatsParam)
	st, _ := s.(*NormStats)
	return st
}

// norm normalises x [B, C, S...] over groups of C/groups channels like
// GroupNorm (InstanceNorm: groups = C), following s: with layer k's fixed
// statistics when it has them, else with x's own, collecting x's moments over
// the owned voxels when k is the layer to collect.
func (s *NormStats) norm(x *graph.Node, groups int, gamma, beta *graph.Node, eps float64) *graph.Node {
	k := s.Layers
	s.Layers++
	dims := x.Shape().Dimensions
	if k == len(s.Fixed) && s.Own != nil {
		s.Collected = collect(x, groups, s.Own)
	}
	if k >= len(s.Fixed) {
		return GroupNorm(x, groups, gamma, beta, eps)
	}
	split := append([]int{dims[0], groups, dims[1] / groups}, dims[2:]...)
	xg := graph.Reshape(x, split...)
	bcast := ones(len(split))
	bcast[1] = groups
	mean := graph.Reshape(graph.ConvertDType(s.Fixed[k].Mean, x.DType()), bcast...)
	variance := graph.Reshape(graph.ConvertDType(s.Fixed[k].Var, x.DType()), bcast...)
	y := graph.Div(graph.Sub(xg, mean), graph.Sqrt(graph.AddScalar(variance, eps)))
	return affine(graph.Reshape(y, dims...), gamma, beta)
}

// collect returns the moments of x [B, C, S...] per sample and group of
// C/groups channels over the voxels own [B, 1, S_in...] marks, own taken at
// x's resolution (every f-th voxel per axis, f = S_in/S).
func collect(x *graph.Node, groups int, own *graph.Node) *Moments {
	dims := x.Shape().Dimensions
	in := own.Shape().Dimensions
	if len(in) != len(dims) || in[0] != dims[0] {
		panicf("norm statistics: owned voxels %s do not match the layer input %s", own.Shape(), x.Shape())
	}
	specs := []graph.SliceAxisSpec{graph.AxisRange(), graph.AxisRange()}
	for a := 2; a < len(dims); a++ {
		if dims[a] == 0 || in[a]%dims[a] != 0 {
			panicf("norm statistics: layer input %s is not the network input %s down-sampled by a whole factor", x.Shape(), own.Shape())
		}
		specs = append(specs, graph.AxisRange().Stride(in[a]/dims[a]))
	}
	mask := graph.ConvertDType(graph.Slice(own, specs...), x.DType())
	split := append([]int{dims[0], groups, dims[1] / groups}, dims[2:]...)
	xg := graph.Reshape(x, split...)
	mask = graph.Reshape(mask, append([]int{dims[0], 1, 1}, dims[2:]...)...)
	axes := make([]int, 0, len(split)-2)
	for i := 2; i < len(split); i++ {
		axes = append(axes, i)
	}
	perGroup := float64(dims[1] / groups)
	count := graph.MulScalar(graph.ReduceSum(mask, axes...), perGroup) // [B, 1]
	count = graph.BroadcastToDims(count, dims[0], groups)
	safe := graph.Max(count, graph.OnesLike(count))
	mean := graph.Div(graph.ReduceSum(graph.Mul(xg, mask), axes...), safe)
	c := graph.Sub(xg, graph.Reshape(mean, append([]int{dims[0], groups}, ones(len(split)-2)...)...))
	variance := graph.Div(graph.ReduceSum(graph.Mul(graph.Square(c), mask), axes...), safe)
	return &Moments{Count: count, Mean: mean, Var: variance}
}
