package loss

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// ideal returns c with the prediction a converged net would make: inside each
// instance the offsets point exactly at its centre (the loss's: the centre voxel
// when the instance holds exactly one, else the mean coordinate), every sigma is
// sigma (bandwidth e^(10·sigma)), background offsets are 0 and the seed logits
// are ±20.
func (c embedCase) ideal(step [3]float64, sigma float64) embedCase {
	d, n := c.dims(), c.voxels()
	ch := 2*d + 1
	out := c
	out.pred = make([]float64, len(c.pred))
	for b := range c.batch {
		ids, cen := c.inst[b*n:(b+1)*n], c.centres[b*n:(b+1)*n]
		centre := map[int][]float64{}
		count, marks := map[int]float64{}, map[int][]int{}
		for v, id := range ids {
			if id == 0 {
				continue
			}
			k := int(id)
			if centre[k] == nil {
				centre[k] = make([]float64, d)
			}
			for a, x := range c.coordOf(v, step) {
				centre[k][a] += x
			}
			count[k]++
			if cen[v] > 0 {
				marks[k] = append(marks[k], v)
			}
		}
		for k := range centre {
			if len(marks[k]) == 1 {
				centre[k] = c.coordOf(marks[k][0], step)
				continue
			}
			for a := range centre[k] {
				centre[k][a] /= count[k]
			}
		}
		at := func(channel, v int) *float64 { return &out.pred[(b*ch+channel)*n+v] }
		for v, id := range ids {
			co := c.coordOf(v, step)
			for a := range d {
				if id != 0 {
					*at(a, v) = math.Atanh(centre[int(id)][a] - co[a])
				}
				*at(d+a, v) = sigma
			}
			*at(2*d, v) = -20
			if id != 0 {
				*at(2*d, v) = 20
			}
		}
	}
	return out
}

// repeatZ returns the 2D case c as a 3D case of z identical slices with the
// centre marks on slice z/2 only (odd z: the middle slice, also the mean z of
// the objects without a mark); each slice's x and y offsets and sigmas are
// c's, its z offsets point exactly at slice z/2 (with step) and its z sigmas
// are its x sigmas.
func (c embedCase) repeatZ(z int, step [3]float64) embedCase {
	n := c.voxels()
	out := embedCase{spatial: append([]int{z}, c.spatial...), batch: c.batch}
	for b := range c.batch {
		for s := range z {
			out.inst = append(out.inst, c.inst[b*n:(b+1)*n]...)
			if s == z/2 {
				out.centres = append(out.centres, c.centres[b*n:(b+1)*n]...)
			} else {
				out.centres = append(out.centres, make([]float64, n)...)
			}
		}
		for ch := range 7 {
			for s := range z {
				switch {
				case ch == 2: // z offset
					for range n {
						out.pred = append(out.pred, math.Atanh(float64(z/2-s)*step[0]))
					}
				case ch < 2 || ch == 3 || ch == 4:
					src := ch - ch/3 // x, y offsets: 0, 1; sigmas x, y: 2, 3
					out.pred = append(out.pred, c.pred[(b*5+src)*n:(b*5+src+1)*n]...)
				case ch == 5: // z sigma: the x sigma
					out.pred = append(out.pred, c.pred[(b*5+2)*n:(b*5+3)*n]...)
				default: // seed
					out.pred = append(out.pred, c.pred[(b*5+4)*n:(b*5+5)*n]...)
				}
			}
		}
	}
	return out
}

// TestSpatialEmbeddingIdealPrediction checks that the loss of a converged
// prediction is about 0 in 2D and 3D, that a 3D volume of repeated 2D slices
// with z offsets pointing at its middle slice gives the 2D case's instance and
// seed terms, and that the 3D loss of the untrained net's output
// (offsets 0, sigmas 1, seed logits 0) is well above it.
func TestSpatialEmbeddingIdealPrediction(t *testing.T) {
	b := newBackend(t)
	step := SpatialEmbeddingConfig{}.WithDefaults().Step
	flat := discCase(11, 2, []int{24, 28}, 5, step)
	cases := []struct {
		name string
		cfg  SpatialEmbeddingConfig
		c    embedCase
	}{
		{"2D", SpatialEmbeddingConfig{Dims: 2}, flat},
		{"3D", SpatialEmbeddingConfig{Dims: 3}, discCase(12, 2, []int{8, 20, 24}, 5, step)},
		{"3D anisotropy 3", SpatialEmbeddingConfig{Dims: 3, Anisotropy: 3}, discCase(13, 1, []int{8, 20, 24}, 5, [3]float64{3 * step[2], step[1], step[2]})},
		{"2D repeated in z", SpatialEmbeddingConfig{Dims: 3}, flat.repeatZ(5, step)},
	}
	terms := func(cfg SpatialEmbeddingConfig, c embedCase) [3]float64 {
		a := c.args()
		out := graph.MustExecOnceN(b, func(p, i, ce *graph.Node) []*graph.Node {
			in, va, se := spatialEmbeddingTerms(cfg, p, i, ce)
			return []*graph.Node{graph.ReduceAllMean(in), graph.ReduceAllMean(va), graph.ReduceAllMean(se)}
		}, a[0].tensor(), a[1].tensor(), a[2].tensor())
		var r [3]float64
		for i, x := range out {
			r[i] = tensors.ToScalar[float64](x)
		}
		return r
	}
	var half2D [3]float64
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.cfg.WithDefaults().Step
			got := terms(tc.cfg, tc.c.ideal(st, 1.6))
			if total := got[0] + 10*got[1] + got[2]; !(total < 0.01) {
				t.Errorf("ideal prediction: loss %.4g (instance, variance, seed %.4g), want ≈ 0", total, got)
			}
			untrained := tc.c.ideal(st, 1)
			d, n := tc.c.dims(), tc.c.voxels()
			for i := range untrained.pred {
				if ch := i / n % (2*d + 1); ch < d || ch == 2*d {
					untrained.pred[i] = 0
				}
			}
			u := terms(tc.cfg, untrained)
			if !(u[0] > 0.3) {
				t.Errorf("untrained output: instance term %.4g, want > 0.3", u[0])
			}
			t.Logf("ideal terms %.3g, untrained terms %.3g", got, u)
			if tc.name == "2D" {
				half2D = terms(tc.cfg, tc.c)
			}
			if tc.name == "2D repeated in z" {
				half := terms(tc.cfg, tc.c)
				for i, name := range []string{"instance", "seed"} {
					j := 2 * i // the variance term differs: it averages over 3 sigma channels
					if math.Abs(half[j]-half2D[j]) > 1e-3*half2D[j] {
						t.Errorf("half-trained prediction: %s term %.6g, the 2D case's %.6g", name, half[j], half2D[j])
					}
				}
			}
		})
	}
}
