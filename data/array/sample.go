package array

import (
	"fmt"
	"sort"
)

// Sample is one training example: arrays keyed by role ("IM" input, "GT" target,
// "CM" cost map, or any other tag found next to the input). All arrays of a
// sample share their spatial shape; channel counts may differ.
type Sample struct {
	// ID names the sample in messages (usually the subject's file stem).
	ID string
	// Arrays maps a role tag to its array.
	Arrays map[string]*Array
}

// NewSample returns an empty sample with the given ID.
func NewSample(id string) *Sample { return &Sample{ID: id, Arrays: map[string]*Array{}} }

// Keys returns the role tags in sorted order.
func (s *Sample) Keys() []string {
	keys := make([]string, 0, len(s.Arrays))
	for k := range s.Arrays {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Clone returns a deep copy.
func (s *Sample) Clone() *Sample {
	c := NewSample(s.ID)
	for k, a := range s.Arrays {
		c.Arrays[k] = a.Clone()
	}
	return c
}

// Bytes returns the total data size of the sample's arrays.
func (s *Sample) Bytes() int {
	n := 0
	for _, a := range s.Arrays {
		n += a.Bytes()
	}
	return n
}

// Spatial returns the common spatial shape of the sample's arrays, or an error
// naming the sample and both shapes when two arrays disagree.
func (s *Sample) Spatial() ([]int, error) {
	var ref []int
	refKey := ""
	for _, k := range s.Keys() {
		a := s.Arrays[k]
		if err := a.Check(); err != nil {
			return nil, fmt.Errorf("sample %s, %s: %w", s.ID, k, err)
		}
		if a.Rank() < 2 {
			return nil, fmt.Errorf("sample %s, %s: shape %v has no channel and spatial axes", s.ID, k, a.Shape)
		}
		if ref == nil {
			ref, refKey = a.Spatial(), k
			continue
		}
		if !SameShape(ref, a.Spatial()) {
			return nil, fmt.Errorf("sample %s: %s has spatial shape %v but %s has %v", s.ID, refKey, ref, k, a.Spatial())
		}
	}
	if ref == nil {
		return nil, fmt.Errorf("sample %s has no arrays", s.ID)
	}
	return append([]int(nil), ref...), nil
}
