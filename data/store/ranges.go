package store

import "math"

// ValueRange is the smallest and the largest finite value of a stored array
// (both 0 when it holds none) and the count of its NaN and infinite values.
type ValueRange struct {
	Min       float32 `json:"min"`
	Max       float32 `json:"max"`
	NonFinite int     `json:"non_finite,omitempty"`
}

// valueRange returns the range of the finite values of v.
func valueRange(v []float32) *ValueRange {
	r, seen := &ValueRange{}, false
	for _, f := range v {
		switch {
		case math.IsNaN(float64(f)) || math.IsInf(float64(f), 0):
			r.NonFinite++
		case !seen:
			r.Min, r.Max, seen = f, f, true
		default:
			r.Min, r.Max = min(r.Min, f), max(r.Max, f)
		}
	}
	return r
}

// MetaRanges is Meta with the value range of every array filled in: the one
// PutSources recorded, or, for a sample stored before ranges were recorded,
// computed by reading the sample.
func (s *Store) MetaRanges(k Key) (*Meta, error) {
	m, err := s.Meta(k)
	if err != nil {
		return nil, err
	}
	for _, a := range m.Arrays {
		if a.Range == nil {
			smp, err := s.region(k, m, nil, nil)
			if err != nil {
				return nil, err
			}
			for role, a := range m.Arrays {
				a.Range = valueRange(smp.Arrays[role].Data)
				m.Arrays[role] = a
			}
			break
		}
	}
	return m, nil
}
