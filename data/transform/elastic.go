package transform

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/im2im/im2im/data/array"
)

func init() {
	register(func() Transform {
		return &RandElastic{Prob: 0.5, Sigma: 8, Magnitude: 3, LabelKeys: []string{"GT", "CM"}}
	})
}

// RandElastic deforms all arrays with one smooth random displacement field with
// probability Prob ("rand_elastic"), in 2D and 3D. The field is Gaussian noise
// on a control grid with one point every Sigma voxels, smoothed and interpolated
// to every voxel, scaled so its RMS displacement is Magnitude voxels per axis
// (z uses half, as stacks are usually coarser in z). Arrays in LabelKeys
// are sampled with nearest neighbour (labels stay integer), the rest linearly;
// outside the volume the nearest edge value is used.
type RandElastic struct {
	Prob      float64  `param:"prob"`
	Sigma     float64  `param:"sigma"`
	Magnitude float64  `param:"magnitude"`
	LabelKeys []string `param:"label_keys"`
}

// Name implements Transform.
func (*RandElastic) Name() string { return "rand_elastic" }

// Random implements Transform.
func (*RandElastic) Random() bool { return true }

func (t *RandElastic) validate() error {
	if t.Prob < 0 || t.Prob > 1 {
		return fmt.Errorf("prob %v: want 0..1", t.Prob)
	}
	if t.Sigma <= 0 || t.Magnitude < 0 {
		return fmt.Errorf("sigma %v / magnitude %v: want sigma > 0 and magnitude >= 0", t.Sigma, t.Magnitude)
	}
	return nil
}

// vol3 views a spatial shape as [Z Y X] (Z = 1 for 2D).
func vol3(sp []int) [3]int {
	if len(sp) == 2 {
		return [3]int{1, sp[0], sp[1]}
	}
	return [3]int{sp[0], sp[1], sp[2]}
}

// field returns one displacement component over the spatial shape sp: Gaussian
// noise on a coarse grid with one control point every sigma voxels, smoothed
// there, interpolated (trilinear) to full resolution and scaled to RMS mag. The
// coarse grid keeps the cost proportional to the volume, not volume × sigma.
func field(sp []int, sigma, mag float64, r *rand.Rand) []float32 {
	v := vol3(sp)
	step := math.Max(1, sigma)
	var g [3]int
	for ax := 0; ax < 3; ax++ {
		g[ax] = int(math.Ceil(float64(v[ax]-1)/step)) + 2
		if v[ax] == 1 {
			g[ax] = 1
		}
	}
	coarse := array.New(1, g[0], g[1], g[2])
	for i := range coarse.Data {
		coarse.Data[i] = float32(r.NormFloat64())
	}
	sig := []float64{1, 1, 1}
	if g[0] == 1 {
		sig[0] = 0
	}
	coarse, _ = array.GaussianBlur(coarse, sig) // shapes match by construction
	out := make([]float32, v[0]*v[1]*v[2])
	var ss float64
	i := 0
	for z := 0; z < v[0]; z++ {
		fz, z0, z1 := lerpIndex(float64(z)/step, g[0])
		for y := 0; y < v[1]; y++ {
			fy, y0, y1 := lerpIndex(float64(y)/step, g[1])
			for x := 0; x < v[2]; x++ {
				fx, x0, x1 := lerpIndex(float64(x)/step, g[2])
				at := func(a, b, c int) float64 { return float64(coarse.Data[(a*g[1]+b)*g[2]+c]) }
				c00 := at(z0, y0, x0)*(1-fx) + at(z0, y0, x1)*fx
				c01 := at(z0, y1, x0)*(1-fx) + at(z0, y1, x1)*fx
				c10 := at(z1, y0, x0)*(1-fx) + at(z1, y0, x1)*fx
				c11 := at(z1, y1, x0)*(1-fx) + at(z1, y1, x1)*fx
				val := (c00*(1-fy)+c01*fy)*(1-fz) + (c10*(1-fy)+c11*fy)*fz
				out[i] = float32(val)
				ss += val * val
				i++
			}
		}
	}
	if rms := math.Sqrt(ss / float64(len(out))); rms > 0 {
		f := float32(mag / rms)
		for j := range out {
			out[j] *= f
		}
	}
	return out
}

// lerpIndex splits coordinate c of a grid of n points into the two neighbours
// and the weight of the upper one.
func lerpIndex(c float64, n int) (float64, int, int) {
	if n == 1 {
		return 0, 0, 0
	}
	i0 := min(int(c), n-2)
	return c - float64(i0), i0, i0 + 1
}

// Apply implements Transform.
func (t *RandElastic) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	sp, err := s.Spatial()
	if err != nil {
		return nil, err
	}
	if !hit(r, t.Prob) || t.Magnitude == 0 {
		return one(s), nil
	}
	// Displacements along Z, Y, X (none along Z in 2D).
	var disp [3][]float32
	for ax := 0; ax < 3; ax++ {
		if len(sp) == 2 && ax == 0 {
			continue
		}
		m := t.Magnitude
		if ax == 0 {
			m /= 2
		}
		disp[ax] = field(sp, t.Sigma, m, r)
	}
	for _, k := range s.Keys() {
		s.Arrays[k] = warp(s.Arrays[k], disp, slices.Contains(t.LabelKeys, k))
	}
	return one(s), nil
}

// warp resamples a (C + spatial) at p + disp(p) for every spatial point p,
// clamping at the borders; nearest neighbour for labels, else (tri)linear.
func warp(a *array.Array, disp [3][]float32, nearest bool) *array.Array {
	v := vol3(a.Spatial())
	per := v[0] * v[1] * v[2]
	out := array.New(a.Shape...)
	clamp := func(p float64, n int) float64 { return math.Max(0, math.Min(float64(n-1), p)) }
	i := 0
	for z := 0; z < v[0]; z++ {
		for y := 0; y < v[1]; y++ {
			for x := 0; x < v[2]; x++ {
				pz := float64(z)
				if disp[0] != nil {
					pz = clamp(pz+float64(disp[0][i]), v[0])
				}
				py := clamp(float64(y)+float64(disp[1][i]), v[1])
				px := clamp(float64(x)+float64(disp[2][i]), v[2])
				if nearest {
					src := (int(math.Round(pz))*v[1]+int(math.Round(py)))*v[2] + int(math.Round(px))
					for c := 0; c < a.Shape[0]; c++ {
						out.Data[c*per+i] = a.Data[c*per+src]
					}
					i++
					continue
				}
				fz, z0, z1 := lerpIndex(pz, v[0])
				fy, y0, y1 := lerpIndex(py, v[1])
				fx, x0, x1 := lerpIndex(px, v[2])
				i000, i001 := (z0*v[1]+y0)*v[2]+x0, (z0*v[1]+y0)*v[2]+x1
				i010, i011 := (z0*v[1]+y1)*v[2]+x0, (z0*v[1]+y1)*v[2]+x1
				i100, i101 := (z1*v[1]+y0)*v[2]+x0, (z1*v[1]+y0)*v[2]+x1
				i110, i111 := (z1*v[1]+y1)*v[2]+x0, (z1*v[1]+y1)*v[2]+x1
				for c := 0; c < a.Shape[0]; c++ {
					d := a.Data[c*per : (c+1)*per]
					c00 := float64(d[i000])*(1-fx) + float64(d[i001])*fx
					c01 := float64(d[i010])*(1-fx) + float64(d[i011])*fx
					c10 := float64(d[i100])*(1-fx) + float64(d[i101])*fx
					c11 := float64(d[i110])*(1-fx) + float64(d[i111])*fx
					out.Data[c*per+i] = float32((c00*(1-fy)+c01*fy)*(1-fz) + (c10*(1-fy)+c11*fy)*fz)
				}
				i++
			}
		}
	}
	return out
}
