package transform

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/im2im/im2im/data/array"
)

func init() {
	register(func() Transform { return &ZScore{Keys: []string{"IM"}} })
	register(func() Transform { return &Percentile{Keys: []string{"IM"}, Lower: 1, Upper: 99.8, BMax: 1} })
	register(func() Transform { return &MinMax{Keys: []string{"IM"}, BMax: 1} })
	register(func() Transform { return &ScaleRange{Keys: []string{"IM"}, BMax: 1} })
	register(func() Transform { return &Clip{Keys: []string{"IM"}} })
	register(func() Transform { return &AsLabel{Keys: []string{"GT"}} })
}

// perChannel calls f on each channel's slice of every selected array.
func perChannel(s *array.Sample, keys []string, f func(ch []float32)) error {
	ks, err := selectKeys(s, keys)
	if err != nil {
		return err
	}
	for _, k := range ks {
		a := s.Arrays[k]
		if a.Rank() < 2 || a.Shape[0] == 0 {
			return fmt.Errorf("%s: shape %v has no channel axis", k, a.Shape)
		}
		per := a.Len() / a.Shape[0]
		for c := 0; c < a.Shape[0]; c++ {
			f(a.Data[c*per : (c+1)*per])
		}
	}
	return nil
}

// ZScore subtracts each channel's mean and divides by its standard deviation
// (config name "normalize_zscore"; a constant channel becomes 0).
type ZScore struct {
	Keys []string `param:"keys"`
}

// Name implements Transform.
func (*ZScore) Name() string { return "normalize_zscore" }

// Random implements Transform.
func (*ZScore) Random() bool { return false }

// Apply implements Transform.
func (t *ZScore) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	err := perChannel(s, t.Keys, func(ch []float32) {
		var sum, sq float64
		for _, v := range ch {
			sum += float64(v)
		}
		mean := sum / float64(len(ch))
		for _, v := range ch {
			d := float64(v) - mean
			sq += d * d
		}
		std := math.Sqrt(sq / float64(len(ch)))
		if std == 0 {
			std = 1
		}
		for i, v := range ch {
			ch[i] = float32((float64(v) - mean) / std)
		}
	})
	return one(s), err
}

// Percentile maps the Lower..Upper percentile range of each channel linearly to
// BMin..BMax ("normalize_percentile", default 1..99.8 → 0..1), clipping if Clip.
type Percentile struct {
	Keys  []string `param:"keys"`
	Lower float64  `param:"lower"`
	Upper float64  `param:"upper"`
	BMin  float64  `param:"b_min"`
	BMax  float64  `param:"b_max"`
	Clip  bool     `param:"clip"`
}

// Name implements Transform.
func (*Percentile) Name() string { return "normalize_percentile" }

// Random implements Transform.
func (*Percentile) Random() bool { return false }

func (t *Percentile) validate() error {
	if t.Lower < 0 || t.Upper > 100 || t.Lower >= t.Upper {
		return fmt.Errorf("need 0 <= lower < upper <= 100, got lower=%v upper=%v", t.Lower, t.Upper)
	}
	return nil
}

// percentiles returns the p-th percentiles (0..100, linear interpolation) of v.
func percentiles(v []float32, ps ...float64) []float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	out := make([]float64, len(ps))
	for i, p := range ps {
		if len(s) == 0 {
			continue
		}
		pos := p / 100 * float64(len(s)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(s)-1)
		f := pos - float64(lo)
		out[i] = float64(s[lo])*(1-f) + float64(s[hi])*f
	}
	return out
}

// Apply implements Transform.
func (t *Percentile) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	err := perChannel(s, t.Keys, func(ch []float32) {
		p := percentiles(ch, t.Lower, t.Upper)
		scaleRange(ch, p[0], p[1], t.BMin, t.BMax, t.Clip)
	})
	return one(s), err
}

// scaleRange maps [a0, a1] linearly onto [b0, b1]; a degenerate input range maps
// everything to b0.
func scaleRange(ch []float32, a0, a1, b0, b1 float64, clip bool) {
	scale := 0.0
	if a1 != a0 {
		scale = (b1 - b0) / (a1 - a0)
	}
	lo, hi := math.Min(b0, b1), math.Max(b0, b1)
	for i, v := range ch {
		x := b0 + (float64(v)-a0)*scale
		if clip {
			x = math.Max(lo, math.Min(hi, x))
		}
		ch[i] = float32(x)
	}
}

// MinMax maps each channel's minimum..maximum onto BMin..BMax
// ("normalize_minmax", default 0..1).
type MinMax struct {
	Keys []string `param:"keys"`
	BMin float64  `param:"b_min"`
	BMax float64  `param:"b_max"`
}

// Name implements Transform.
func (*MinMax) Name() string { return "normalize_minmax" }

// Random implements Transform.
func (*MinMax) Random() bool { return false }

// Apply implements Transform.
func (t *MinMax) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	err := perChannel(s, t.Keys, func(ch []float32) {
		a := &array.Array{Data: ch}
		lo, hi := a.MinMax()
		scaleRange(ch, float64(lo), float64(hi), t.BMin, t.BMax, false)
	})
	return one(s), err
}

// ScaleRange maps the fixed range AMin..AMax onto BMin..BMax ("scale_range"),
// clipping if Clip — e.g. 0..65535 → 0..1 for 16-bit data.
type ScaleRange struct {
	Keys []string `param:"keys"`
	AMin float64  `param:"a_min"`
	AMax float64  `param:"a_max"`
	BMin float64  `param:"b_min"`
	BMax float64  `param:"b_max"`
	Clip bool     `param:"clip"`
}

// Name implements Transform.
func (*ScaleRange) Name() string { return "scale_range" }

// Random implements Transform.
func (*ScaleRange) Random() bool { return false }

func (t *ScaleRange) validate() error {
	if t.AMin == t.AMax {
		return fmt.Errorf("a_min and a_max are both %v", t.AMin)
	}
	return nil
}

// Apply implements Transform.
func (t *ScaleRange) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	return one(s), perChannel(s, t.Keys, func(ch []float32) { scaleRange(ch, t.AMin, t.AMax, t.BMin, t.BMax, t.Clip) })
}

// Clip limits values to Min..Max ("clip").
type Clip struct {
	Keys []string `param:"keys"`
	Min  float64  `param:"min"`
	Max  float64  `param:"max"`
}

// Name implements Transform.
func (*Clip) Name() string { return "clip" }

// Random implements Transform.
func (*Clip) Random() bool { return false }

func (t *Clip) validate() error {
	if t.Min > t.Max {
		return fmt.Errorf("min %v is above max %v", t.Min, t.Max)
	}
	return nil
}

// Apply implements Transform.
func (t *Clip) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	lo, hi := float32(t.Min), float32(t.Max)
	return one(s), perChannel(s, t.Keys, func(ch []float32) {
		for i, v := range ch {
			ch[i] = max(lo, min(hi, v))
		}
	})
}

// AsLabel makes label arrays integer ("as_label"): values are rounded to the
// nearest integer, or with Binary set every non-zero value becomes 1 (e.g. a
// 0/255 mask becomes 0/1).
type AsLabel struct {
	Keys   []string `param:"keys"`
	Binary bool     `param:"binary"`
}

// Name implements Transform.
func (*AsLabel) Name() string { return "as_label" }

// Random implements Transform.
func (*AsLabel) Random() bool { return false }

// Apply implements Transform.
func (t *AsLabel) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	return one(s), perChannel(s, t.Keys, func(ch []float32) {
		for i, v := range ch {
			if t.Binary {
				if v != 0 {
					ch[i] = 1
				}
				continue
			}
			ch[i] = float32(math.RoundToEven(float64(v)))
		}
	})
}
