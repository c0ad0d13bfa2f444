package transform

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/im2im/im2im/data/array"
)

func init() {
	register(func() Transform { return &RandHistogramShift{Keys: []string{"IM"}, Prob: 0.2, Points: 10} })
	register(func() Transform { return &RandGamma{Keys: []string{"IM"}, Prob: 0.5, Min: 0.7, Max: 1.5} })
	register(func() Transform { return &RandGaussianNoise{Keys: []string{"IM"}, Prob: 0.5, Std: 0.1} })
	register(func() Transform { return &GaussianBlur{Keys: []string{"IM"}, Sigma: 1} })
	register(func() Transform { return &RandGaussianBlur{Keys: []string{"IM"}, Prob: 0.5, Min: 0.5, Max: 1.5} })
}

func checkProb(p float64) error {
	if p < 0 || p > 1 {
		return fmt.Errorf("prob %v: want 0..1", p)
	}
	return nil
}

// RandHistogramShift remaps intensities with probability Prob through a random
// monotone piecewise-linear curve with Points control points spanning each
// channel's range ("rand_histogram_shift").
type RandHistogramShift struct {
	Keys   []string `param:"keys"`
	Prob   float64  `param:"prob"`
	Points int      `param:"num_control_points"`
}

// Name implements Transform.
func (*RandHistogramShift) Name() string { return "rand_histogram_shift" }

// Random implements Transform.
func (*RandHistogramShift) Random() bool { return true }

func (t *RandHistogramShift) validate() error {
	if t.Points < 3 {
		return fmt.Errorf("num_control_points %d: want >= 3", t.Points)
	}
	return checkProb(t.Prob)
}

// Apply implements Transform.
func (t *RandHistogramShift) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	if !hit(r, t.Prob) {
		_, err := selectKeys(s, t.Keys)
		return one(s), err
	}
	err := perChannel(s, t.Keys, func(ch []float32) {
		a := &array.Array{Data: ch}
		lo32, hi32 := a.MinMax()
		lo, hi := float64(lo32), float64(hi32)
		if hi <= lo {
			return
		}
		n := t.Points
		xs := make([]float64, n)
		ys := make([]float64, n)
		for i := range xs {
			xs[i] = lo + (hi-lo)*float64(i)/float64(n-1)
		}
		ys[0], ys[n-1] = lo, hi
		for i := 1; i < n-1; i++ {
			ys[i] = lo + (hi-lo)*r.Float64()
		}
		slices.Sort(ys[1 : n-1])
		step := (hi - lo) / float64(n-1)
		for i, v := range ch {
			x := float64(v)
			j := min(n-2, int((x-lo)/step))
			f := (x - xs[j]) / step
			ch[i] = float32(ys[j] + f*(ys[j+1]-ys[j]))
		}
	})
	return one(s), err
}

// RandGamma raises each channel, rescaled to 0..1, to a power drawn uniformly
// from Min..Max and scales it back, with probability Prob ("rand_gamma").
type RandGamma struct {
	Keys []string `param:"keys"`
	Prob float64  `param:"prob"`
	Min  float64  `param:"min"`
	Max  float64  `param:"max"`
}

// Name implements Transform.
func (*RandGamma) Name() string { return "rand_gamma" }

// Random implements Transform.
func (*RandGamma) Random() bool { return true }

func (t *RandGamma) validate() error {
	if t.Min <= 0 || t.Max < t.Min {
		return fmt.Errorf("min %v / max %v: want 0 < min <= max", t.Min, t.Max)
	}
	return checkProb(t.Prob)
}

// Apply implements Transform.
func (t *RandGamma) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	if !hit(r, t.Prob) {
		_, err := selectKeys(s, t.Keys)
		return one(s), err
	}
	g := t.Min + (t.Max-t.Min)*r.Float64()
	err := perChannel(s, t.Keys, func(ch []float32) {
		a := &array.Array{Data: ch}
		lo32, hi32 := a.MinMax()
		lo, hi := float64(lo32), float64(hi32)
		if hi <= lo {
			return
		}
		// x^g through a 4097-entry table with linear interpolation (math.Pow per
		// voxel costs 20× more); exact at the ends, so the range is kept.
		const n = 4096
		var lut [n + 1]float64
		for j := range lut {
			lut[j] = math.Pow(float64(j)/n, g)
		}
		scale := n / (hi - lo)
		for i, v := range ch {
			p := (float64(v) - lo) * scale
			j := min(int(p), n-1)
			f := p - float64(j)
			ch[i] = float32(lo + (lut[j]+(lut[j+1]-lut[j])*f)*(hi-lo))
		}
	})
	return one(s), err
}

// RandGaussianNoise adds N(Mean, Std²) noise with probability Prob
// ("rand_gaussian_noise").
type RandGaussianNoise struct {
	Keys []string `param:"keys"`
	Prob float64  `param:"prob"`
	Mean float64  `param:"mean"`
	Std  float64  `param:"std"`
}

// Name implements Transform.
func (*RandGaussianNoise) Name() string { return "rand_gaussian_noise" }

// Random implements Transform.
func (*RandGaussianNoise) Random() bool { return true }

func (t *RandGaussianNoise) validate() error {
	if t.Std < 0 {
		return fmt.Errorf("std %v is negative", t.Std)
	}
	return checkProb(t.Prob)
}

// Apply implements Transform.
func (t *RandGaussianNoise) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	if !hit(r, t.Prob) {
		_, err := selectKeys(s, t.Keys)
		return one(s), err
	}
	return one(s), perChannel(s, t.Keys, func(ch []float32) {
		for i := range ch {
			ch[i] += float32(t.Mean + t.Std*r.NormFloat64())
		}
	})
}

// blurKeys blurs the selected arrays with an isotropic sigma on every spatial axis.
func blurKeys(s *array.Sample, keys []string, sigma float64) error {
	ks, err := selectKeys(s, keys)
	if err != nil {
		return err
	}
	for _, k := range ks {
		a := s.Arrays[k]
		sig := make([]float64, a.Rank()-1)
		for i := range sig {
			sig[i] = sigma
		}
		b, err := array.GaussianBlur(a, sig)
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		s.Arrays[k] = b
	}
	return nil
}

// GaussianBlur blurs with a fixed Sigma on every spatial axis ("gaussian_blur").
type GaussianBlur struct {
	Keys  []string `param:"keys"`
	Sigma float64  `param:"sigma"`
}

// Name implements Transform.
func (*GaussianBlur) Name() string { return "gaussian_blur" }

// Random implements Transform.
func (*GaussianBlur) Random() bool { return false }

func (t *GaussianBlur) validate() error {
	if t.Sigma < 0 {
		return fmt.Errorf("sigma %v is negative", t.Sigma)
	}
	return nil
}

// Apply implements Transform.
func (t *GaussianBlur) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	return one(s), blurKeys(s, t.Keys, t.Sigma)
}

// RandGaussianBlur blurs with a sigma drawn uniformly from Min..Max with
// probability Prob ("rand_gaussian_blur").
type RandGaussianBlur struct {
	Keys []string `param:"keys"`
	Prob float64  `param:"prob"`
	Min  float64  `param:"min"`
	Max  float64  `param:"max"`
}

// Name implements Transform.
func (*RandGaussianBlur) Name() string { return "rand_gaussian_blur" }

// Random implements Transform.
func (*RandGaussianBlur) Random() bool { return true }

func (t *RandGaussianBlur) validate() error {
	if t.Min < 0 || t.Max < t.Min {
		return fmt.Errorf("min %v / max %v: want 0 <= min <= max", t.Min, t.Max)
	}
	return checkProb(t.Prob)
}

// Apply implements Transform.
func (t *RandGaussianBlur) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	if !hit(r, t.Prob) {
		_, err := selectKeys(s, t.Keys)
		return one(s), err
	}
	return one(s), blurKeys(s, t.Keys, t.Min+(t.Max-t.Min)*r.Float64())
}
