package transform

import (
	"fmt"
	"math/rand/v2"

	"github.com/im2im/im2im/data/array"
)

func init() {
	register(func() Transform { return &CenterCrop{} })
	register(func() Transform { return &ForegroundCrop{Source: "GT"} })
	register(func() Transform { return &RandCropSamples{N: 1, LabelKey: "GT"} })
}

// cropAll crops every array of s to the spatial box [start, start+size).
func cropAll(s *array.Sample, start, size []int) (*array.Sample, error) {
	out := array.NewSample(s.ID)
	for k, a := range s.Arrays {
		c, err := a.Crop(append([]int{0}, start...), append([]int{a.Shape[0]}, size...))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out.Arrays[k] = c
	}
	return out, nil
}

func checkSize(size []int) error {
	if len(size) != 2 && len(size) != 3 {
		return fmt.Errorf("size %v: want 2 (YX) or 3 (ZYX) values", size)
	}
	for _, d := range size {
		if d < 1 {
			return fmt.Errorf("size %v: every extent must be >= 1", size)
		}
	}
	return nil
}

// fits checks that a patch of size fits in the spatial shape sp.
func fits(id string, sp, size []int) error {
	if len(size) != len(sp) {
		return fmt.Errorf("size %v has %d axes but sample %s is %dD (%v)", size, len(size), id, len(sp), sp)
	}
	for i := range sp {
		if size[i] > sp[i] {
			return fmt.Errorf("size %v is larger than sample %s (%v); pad first", size, id, sp)
		}
	}
	return nil
}

// CenterCrop crops all arrays to Size around the centre ("center_crop"); axes
// already smaller than Size are kept whole.
type CenterCrop struct {
	Size []int `param:"size"`
}

// Name implements Transform.
func (*CenterCrop) Name() string { return "center_crop" }

// Random implements Transform.
func (*CenterCrop) Random() bool { return false }

func (t *CenterCrop) validate() error { return checkSize(t.Size) }

// Apply implements Transform.
func (t *CenterCrop) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	sp, err := s.Spatial()
	if err != nil {
		return nil, err
	}
	if len(t.Size) != len(sp) {
		return nil, fmt.Errorf("size %v has %d axes but the sample is %dD (%v)", t.Size, len(t.Size), len(sp), sp)
	}
	start, size := make([]int, len(sp)), make([]int, len(sp))
	for i := range sp {
		size[i] = min(sp[i], t.Size[i])
		start[i] = (sp[i] - size[i]) / 2
	}
	out, err := cropAll(s, start, size)
	return one(out), err
}

// ForegroundCrop crops all arrays to the bounding box of Source > Threshold,
// grown by Margin voxels ("foreground_crop"). A sample without foreground is
// left whole.
type ForegroundCrop struct {
	Source    string  `param:"source"`
	Threshold float64 `param:"threshold"`
	Margin    int     `param:"margin"`
}

// Name implements Transform.
func (*ForegroundCrop) Name() string { return "foreground_crop" }

// Random implements Transform.
func (*ForegroundCrop) Random() bool { return false }

func (t *ForegroundCrop) validate() error {
	if t.Margin < 0 {
		return fmt.Errorf("margin %d is negative", t.Margin)
	}
	return nil
}

// Apply implements Transform.
func (t *ForegroundCrop) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	src, ok := s.Arrays[t.Source]
	if !ok {
		return nil, fmt.Errorf("source %q: sample has no such key (has %v)", t.Source, s.Keys())
	}
	sp := src.Spatial()
	lo, hi := make([]int, len(sp)), make([]int, len(sp))
	for i := range sp {
		lo[i], hi[i] = sp[i], -1
	}
	per := src.Len() / src.Shape[0]
	st := array.Strides(sp)
	thr := float32(t.Threshold)
	for i, v := range src.Data {
		if v <= thr {
			continue
		}
		rem := i % per
		for ax := range sp {
			c := rem / st[ax]
			rem %= st[ax]
			lo[ax], hi[ax] = min(lo[ax], c), max(hi[ax], c)
		}
	}
	if hi[0] < 0 {
		return one(s), nil
	}
	start, size := make([]int, len(sp)), make([]int, len(sp))
	for i := range sp {
		start[i] = max(0, lo[i]-t.Margin)
		size[i] = min(sp[i], hi[i]+t.Margin+1) - start[i]
	}
	out, err := cropAll(s, start, size)
	return one(out), err
}

// RandCropSamples takes N random patches of Size from each sample
// ("rand_crop_samples"). With probability PosFraction a patch is centred on a
// random foreground voxel of LabelKey (> 0); otherwise its position is uniform.
type RandCropSamples struct {
	Size        []int   `param:"size"`
	N           int     `param:"num_samples"`
	PosFraction float64 `param:"pos_fraction"`
	LabelKey    string  `param:"label_key"`
}

// Name implements Transform.
func (*RandCropSamples) Name() string { return "rand_crop_samples" }

// Random implements Transform.
func (*RandCropSamples) Random() bool { return true }

func (t *RandCropSamples) validate() error {
	if t.N < 1 {
		return fmt.Errorf("num_samples %d: want >= 1", t.N)
	}
	if t.PosFraction < 0 || t.PosFraction > 1 {
		return fmt.Errorf("pos_fraction %v: want 0..1", t.PosFraction)
	}
	return checkSize(t.Size)
}

// Starts draws the N patch corners for a sample of spatial shape sp, given its
// foreground coordinates (may be empty). The loader uses it to read only the
// patches from the store; Apply uses it on whole samples.
func (t *RandCropSamples) Starts(id string, sp []int, foreground [][]int, r *rand.Rand) ([][]int, error) {
	if err := fits(id, sp, t.Size); err != nil {
		return nil, err
	}
	out := make([][]int, t.N)
	for n := range out {
		st := make([]int, len(sp))
		if len(foreground) > 0 && hit(r, t.PosFraction) {
			c := foreground[r.IntN(len(foreground))]
			for i := range sp {
				st[i] = max(0, min(sp[i]-t.Size[i], c[i]-t.Size[i]/2))
			}
		} else {
			for i := range sp {
				st[i] = r.IntN(sp[i] - t.Size[i] + 1)
			}
		}
		out[n] = st
	}
	return out, nil
}

// Apply implements Transform.
func (t *RandCropSamples) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	sp, err := s.Spatial()
	if err != nil {
		return nil, err
	}
	var fg [][]int
	if lab, ok := s.Arrays[t.LabelKey]; ok && t.PosFraction > 0 {
		fg = lab.Foreground(0)
	}
	starts, err := t.Starts(s.ID, sp, fg, r)
	if err != nil {
		return nil, err
	}
	out := make([]*array.Sample, len(starts))
	for i, st := range starts {
		if out[i], err = cropAll(s, st, t.Size); err != nil {
			return nil, err
		}
	}
	return out, nil
}
