package transform

import (
	"math/rand/v2"

	"github.com/im2im/im2im/data/array"
)

// IfPresent applies T to the samples that have every array T's keys name, and
// passes the others through unchanged: for unpaired data, whose samples hold
// one domain's image each (a normalisation of the input does not apply to a
// sample of the target domain). A T without keys applies to every sample.
type IfPresent struct{ T Transform }

// Name implements Transform: T's.
func (p IfPresent) Name() string { return p.T.Name() }

// Random implements Transform: T's.
func (p IfPresent) Random() bool { return p.T.Random() }

// Unwrap returns T (Params and fingerprints describe it).
func (p IfPresent) Unwrap() Transform { return p.T }

// Apply implements Transform.
func (p IfPresent) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	if keys, ok := Params(p.T)["keys"].([]string); ok {
		for _, k := range keys {
			if _, has := s.Arrays[k]; !has {
				return one(s), nil
			}
		}
	}
	return p.T.Apply(s, r)
}
