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
// probability Prob ("rand_elastic"), in 2D and 3D. The field is white noise
// blurred with Sigma voxels, scaled so its RMS displacement is Magnitude voxels
// per axis (z uses half, as stacks are usually coarser in z). Arrays in LabelKeys
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

// field returns one displacement component: smoothed noise with RMS mag.
func field(sp []int, sigma, mag float64, r *rand.Rand) (*array.Array, error) {
	a := array.New(append([]int{1}, sp...)...)
	for i := range a.Data {
		a.Data[i] = float32(r.NormFloat64())
	}
	sig := make([]float64, len(sp))
	for i := range sig {
		sig[i] = sigma
	}
	b, err := array.GaussianBlur(a, sig)
	if err != nil {
		return nil, err
	}
	var ss float64
	for _, v := range b.Data {
		ss += float64(v) * float64(v)
	}
	rms := math.Sqrt(ss / float64(len(b.Data)))
	if rms > 0 {
		f := float32(mag / rms)
		for i := range b.Data {
			b.Data[i] *= f
		}
	}
	return b, nil
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
	disp := make([]*array.Array, len(sp))
	for ax := range sp {
		m := t.Magnitude
		if len(sp) == 3 && ax == 0 {
			m /= 2
		}
		if disp[ax], err = field(sp, t.Sigma, m, r); err != nil {
			return nil, err
		}
	}
	for _, k := range s.Keys() {
		s.Arrays[k] = warp(s.Arrays[k], disp, slices.Contains(t.LabelKeys, k))
	}
	return one(s), nil
}

// warp resamples a (C + spatial) at p + disp(p) for every spatial point p.
func warp(a *array.Array, disp []*array.Array, nearest bool) *array.Array {
	sp := a.Spatial()
	nd := len(sp)
	out := array.New(a.Shape...)
	per := a.Len() / a.Shape[0]
	st := array.Strides(sp)
	pos := make([]float64, nd)
	base := make([]int, nd)
	frac := make([]float64, nd)
	for i := 0; i < per; i++ {
		rem := i
		for ax := 0; ax < nd; ax++ {
			c := rem / st[ax]
			rem %= st[ax]
			p := float64(c) + float64(disp[ax].Data[i])
			p = math.Max(0, math.Min(float64(sp[ax]-1), p))
			pos[ax] = p
		}
		if nearest {
			src := 0
			for ax := 0; ax < nd; ax++ {
				src += int(math.Round(pos[ax])) * st[ax]
			}
			for c := 0; c < a.Shape[0]; c++ {
				out.Data[c*per+i] = a.Data[c*per+src]
			}
			continue
		}
		for ax := 0; ax < nd; ax++ {
			f := math.Floor(pos[ax])
			base[ax] = int(f)
			frac[ax] = pos[ax] - f
		}
		for c := 0; c < a.Shape[0]; c++ {
			ch := a.Data[c*per : (c+1)*per]
			var v float64
			for corner := 0; corner < 1<<nd; corner++ {
				w := 1.0
				idx := 0
				for ax := 0; ax < nd; ax++ {
					b := base[ax]
					if corner>>ax&1 == 1 {
						w *= frac[ax]
						b = min(b+1, sp[ax]-1)
					} else {
						w *= 1 - frac[ax]
					}
					idx += b * st[ax]
				}
				if w != 0 {
					v += w * float64(ch[idx])
				}
			}
			out.Data[c*per+i] = float32(v)
		}
	}
	return out
}
