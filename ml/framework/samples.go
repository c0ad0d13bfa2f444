package framework

import (
	"fmt"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/ml/train"
)

// Samples converts data samples to training pairs: the array under inKey (e.g. "IM")
// is the input and the one under gtKey (e.g. "GT") the target, both channel-first.
// The arrays are shared, not copied.
func Samples(samples []*array.Sample, inKey, gtKey string) ([]train.Sample, error) {
	return SamplesWithCostMap(samples, inKey, gtKey, "")
}

// SamplesWithCostMap is Samples with the array under cmKey (e.g. "CM") as each
// sample's cost map; an empty cmKey means none.
func SamplesWithCostMap(samples []*array.Sample, inKey, gtKey, cmKey string) ([]train.Sample, error) {
	out := make([]train.Sample, 0, len(samples))
	for _, s := range samples {
		in, ok := s.Arrays[inKey]
		if !ok {
			return nil, fmt.Errorf("fcn: sample %s has no %q array (has %v)", s.ID, inKey, s.Keys())
		}
		gt, ok := s.Arrays[gtKey]
		if !ok {
			return nil, fmt.Errorf("fcn: sample %s has no %q array (has %v)", s.ID, gtKey, s.Keys())
		}
		for _, a := range []struct {
			key string
			a   *array.Array
		}{{inKey, in}, {gtKey, gt}} {
			if err := a.a.Check(); err != nil {
				return nil, fmt.Errorf("fcn: sample %s, %s: %w", s.ID, a.key, err)
			}
			if a.a.Rank() < 3 {
				return nil, fmt.Errorf("fcn: sample %s, %s: shape %v: want [C, Y, X] or [C, Z, Y, X]", s.ID, a.key, a.a.Shape)
			}
		}
		ts := train.Sample{
			X: train.Tensor{Shape: in.Shape, Data: in.Data},
			Y: train.Tensor{Shape: gt.Shape, Data: gt.Data},
		}
		if cmKey != "" {
			cm, ok := s.Arrays[cmKey]
			if !ok {
				return nil, fmt.Errorf("fcn: sample %s has no %q array (has %v)", s.ID, cmKey, s.Keys())
			}
			if err := cm.Check(); err != nil {
				return nil, fmt.Errorf("fcn: sample %s, %s: %w", s.ID, cmKey, err)
			}
			ts.W = train.Tensor{Shape: cm.Shape, Data: cm.Data}
		}
		out = append(out, ts)
	}
	return out, nil
}
