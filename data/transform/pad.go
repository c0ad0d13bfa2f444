package transform

import (
	"fmt"
	"math/rand/v2"

	"github.com/im2im/im2im/data/array"
)

func init() {
	register(func() Transform { return &Pad{Mode: "constant"} })
	register(func() Transform { return &DivisiblePad{K: 8, Mode: "constant"} })
}

// padSpatial pads the spatial axes of a by before/after voxels each.
func padSpatial(a *array.Array, before, after []int, mode string, value float32) *array.Array {
	shape := []int{a.Shape[0]}
	for i, d := range a.Spatial() {
		shape = append(shape, d+before[i]+after[i])
	}
	out := array.New(shape...)
	if mode == "constant" {
		out.Fill(value)
		start := append([]int{0}, before...)
		array.CopyBox(out, start, a, make([]int, a.Rank()), a.Shape)
		return out
	}
	// reflect: every output voxel reads its mirrored source voxel.
	r := a.Rank()
	os, is := out.Strides(), a.Strides()
	idx := make([]int, r)
	for o := range out.Data {
		rem := o
		src := 0
		for ax := 0; ax < r; ax++ {
			idx[ax] = rem / os[ax]
			rem %= os[ax]
			j := idx[ax]
			if ax > 0 {
				j = array.Reflect(j-before[ax-1], a.Shape[ax])
			}
			src += j * is[ax]
		}
		out.Data[o] = a.Data[src]
	}
	return out
}

func checkMode(mode string) error {
	if mode != "constant" && mode != "reflect" {
		return fmt.Errorf("mode %q: want constant or reflect", mode)
	}
	return nil
}

// padAll pads every array of s so that its spatial shape becomes target (each at
// least the current extent), splitting the padding evenly (odd extra after).
func padAll(s *array.Sample, target []int, mode string, value float32) error {
	sp, err := s.Spatial()
	if err != nil {
		return err
	}
	if len(target) != len(sp) {
		return fmt.Errorf("pad size %v has %d axes but the sample is %dD (%v)", target, len(target), len(sp), sp)
	}
	before, after := make([]int, len(sp)), make([]int, len(sp))
	need := false
	for i := range sp {
		if d := target[i] - sp[i]; d > 0 {
			before[i], after[i] = d/2, d-d/2
			need = true
		}
	}
	if !need {
		return nil
	}
	total := 1
	for i := range sp {
		total *= sp[i] + before[i] + after[i]
		if total > 1<<31 {
			return fmt.Errorf("padding %v to %v would exceed 2^31 voxels", sp, target)
		}
	}
	for k, a := range s.Arrays {
		s.Arrays[k] = padSpatial(a, before, after, mode, value)
	}
	return nil
}

// Pad pads all arrays of a sample to at least Size spatially ("pad"), with a
// constant Value or by reflection (Mode "reflect"); larger axes are kept.
type Pad struct {
	Size  []int   `param:"size"`
	Mode  string  `param:"mode"`
	Value float64 `param:"value"`
}

// Name implements Transform.
func (*Pad) Name() string { return "pad" }

// Random implements Transform.
func (*Pad) Random() bool { return false }

func (t *Pad) validate() error {
	if len(t.Size) != 2 && len(t.Size) != 3 {
		return fmt.Errorf("size %v: want 2 (YX) or 3 (ZYX) values", t.Size)
	}
	return checkMode(t.Mode)
}

// Apply implements Transform.
func (t *Pad) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	return one(s), padAll(s, t.Size, t.Mode, float32(t.Value))
}

// DivisiblePad pads every spatial axis up to a multiple of K ("divisible_pad"),
// as U-Nets with K = 2^levels need.
type DivisiblePad struct {
	K     int     `param:"k"`
	Mode  string  `param:"mode"`
	Value float64 `param:"value"`
}

// Name implements Transform.
func (*DivisiblePad) Name() string { return "divisible_pad" }

// Random implements Transform.
func (*DivisiblePad) Random() bool { return false }

func (t *DivisiblePad) validate() error {
	if t.K < 1 {
		return fmt.Errorf("k %d: want >= 1", t.K)
	}
	return checkMode(t.Mode)
}

// Apply implements Transform.
func (t *DivisiblePad) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	sp, err := s.Spatial()
	if err != nil {
		return nil, err
	}
	target := make([]int, len(sp))
	for i, d := range sp {
		target[i] = (d + t.K - 1) / t.K * t.K
	}
	return one(s), padAll(s, target, t.Mode, float32(t.Value))
}
