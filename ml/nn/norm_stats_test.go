package nn

import (
	"fmt"
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// twoNorms is a small inference net with two norm layers of kind, the second
// at half resolution: norm, conv, max-pool, norm.
func twoNorms(ctx *context.Context, x *graph.Node, kind string) *graph.Node {
	h := Norm(ctx.In("n0"), x, kind)
	h = Conv(ctx.In("c"), h, 4, 3, 1, true)
	h = MaxPool(h, 2, 2)
	return Norm(ctx.In("n1"), h, kind)
}

// hostMoments returns the mean and biased variance of x [C, S...] per group
// of C/groups channels over the voxels where own [S...] is 1.
func hostMoments(x []float32, c, groups int, own []float32) (mean, variance []float64) {
	n := len(own)
	per := c / groups
	for g := 0; g < groups; g++ {
		var s, s2, cnt float64
		for ch := g * per; ch < (g+1)*per; ch++ {
			for i := 0; i < n; i++ {
				if own[i] == 1 {
					v := float64(x[ch*n+i])
					s, s2, cnt = s+v, s2+v*v, cnt+1
				}
			}
		}
		m := s / cnt
		mean, variance = append(mean, m), append(variance, s2/cnt-m*m)
	}
	return mean, variance
}

// TestNormStats: collected moments are those of the owned voxels; a net whose
// layers use fixed statistics equal to the ones its own instance or group
// norms compute gives the plain net's output; layers are counted in order.
func TestNormStats(t *testing.T) {
	b := newBackend(t)
	left := make([]float32, 64) // the left half of each row
	all := make([]float32, 64)
	for i := range all {
		all[i] = 1
		if i%8 < 4 {
			left[i] = 1
		}
	}
	for _, tc := range []struct {
		kind      string
		c, groups int
		own       []float32
	}{
		{NormInstance, 4, 4, all},
		{NormInstance, 4, 4, left},
		{NormGroup, 16, 8, all}, // DefaultGroups(16): 8 groups of 2 channels
		{NormGroup, 16, 8, left},
	} {
		owned := 0
		for _, v := range tc.own {
			owned += int(v)
		}
		t.Run(fmt.Sprintf("%s_%d_owned", tc.kind, owned), func(t *testing.T) {
			x := f32(7, 1, tc.c, 8, 8)
			xs := tensors.MustCopyFlatData[float32](x)
			ctx := context.New()
			plain, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
				ctx.SetTraining(x.Graph(), false)
				return twoNorms(ctx, x, tc.kind)
			})
			if err != nil {
				t.Fatal(err)
			}
			want := tensors.MustCopyFlatData[float32](plain.MustExec(x)[0])
			var layers int
			stats, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, in []*graph.Node) []*graph.Node {
				ctx.SetTraining(in[0].Graph(), false)
				s := &NormStats{Own: in[1]}
				for i := 2; i+1 < len(in); i += 2 {
					s.Fixed = append(s.Fixed, Moments{Mean: in[i], Var: in[i+1]})
				}
				UseNormStats(ctx, in[0].Graph(), s)
				y := twoNorms(ctx, in[0], tc.kind)
				layers = s.Layers
				if s.Collected == nil {
					return []*graph.Node{y}
				}
				// y too: simplego fails on graphs with unused parameters.
				return []*graph.Node{s.Collected.Count, s.Collected.Mean, s.Collected.Var, y}
			})
			if err != nil {
				t.Fatal(err)
			}
			own := tensors.FromFlatDataAndDimensions(tc.own, 1, 1, 8, 8)
			out := stats.MustExec(x, own)
			if layers != 2 {
				t.Fatalf("%d norm layers counted, want 2", layers)
			}
			mean, variance := hostMoments(xs, tc.c, tc.groups, tc.own)
			gotN := tensors.MustCopyFlatData[float32](out[0])
			gotM := tensors.MustCopyFlatData[float32](out[1])
			gotV := tensors.MustCopyFlatData[float32](out[2])
			for g := range mean {
				if int(gotN[g]) != owned*tc.c/tc.groups || math.Abs(float64(gotM[g])-mean[g]) > 1e-4 || math.Abs(float64(gotV[g])-variance[g]) > 1e-3 {
					t.Fatalf("group %d: count %v mean %v var %v, want %d, %v, %v", g, gotN[g], gotM[g], gotV[g], owned*tc.c/tc.groups, mean[g], variance[g])
				}
			}
			if owned != 64 {
				return
			}
			// Layer 0 fixed to its own statistics: collect layer 1 (half resolution), then fix both.
			m0 := tensors.FromFlatDataAndDimensions(gotM, len(gotM))
			v0 := tensors.FromFlatDataAndDimensions(gotV, len(gotV))
			out1 := stats.MustExec(x, own, m0, v0)
			fixed := []*tensors.Tensor{m0, v0,
				tensors.FromFlatDataAndDimensions(tensors.MustCopyFlatData[float32](out1[1]), DefaultGroups(4)),
				tensors.FromFlatDataAndDimensions(tensors.MustCopyFlatData[float32](out1[2]), DefaultGroups(4))}
			got := tensors.MustCopyFlatData[float32](stats.MustExec(append([]any{x, own}, toAny(fixed)...)...)[0])
			for i := range want {
				if math.Abs(float64(got[i]-want[i])) > 1e-4 {
					t.Fatalf("output %d: %v with fixed statistics, %v plain", i, got[i], want[i])
				}
			}
			// Fixed statistics that are not the layer's own change the output.
			shifted := tensors.FromFlatDataAndDimensions(make([]float32, tc.groups), tc.groups)
			got = tensors.MustCopyFlatData[float32](stats.MustExec(x, own, shifted, v0, fixed[2], fixed[3])[0])
			if math.Abs(float64(got[0]-want[0])) < 1e-3 {
				t.Fatalf("zero means give the same output %v as the layer's own", got[0])
			}
		})
	}
}

func toAny(ts []*tensors.Tensor) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}
