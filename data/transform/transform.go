package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/im2im/im2im/data/array"
)

// Transform is one step of a chain.
type Transform interface {
	// Name is the config name, e.g. "rand_flip".
	Name() string
	// Random reports whether the output depends on the random source; random
	// transforms are never cached.
	Random() bool
	// Apply transforms s and returns the resulting samples (several for
	// rand_crop_samples, otherwise one). It may modify s's arrays in place: callers
	// that keep s must pass a clone. r is nil for deterministic transforms.
	Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error)
}

// Chain is an ordered list of transforms.
type Chain []Transform

// Split returns the deterministic prefix (cacheable) and the rest, which starts
// with the first random transform.
func (c Chain) Split() (deterministic, rest Chain) {
	for i, t := range c {
		if t.Random() {
			return c[:i], c[i:]
		}
	}
	return c, nil
}

// Apply runs the chain on s, fanning out where a transform yields several
// samples. s may be modified; pass a clone to keep it.
func (c Chain) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	cur := []*array.Sample{s}
	for _, t := range c {
		var next []*array.Sample
		for _, x := range cur {
			out, err := t.Apply(x, r)
			if err != nil {
				return nil, fmt.Errorf("transform %s on sample %s: %w", t.Name(), x.ID, err)
			}
			next = append(next, out...)
		}
		cur = next
	}
	return cur, nil
}

// Spec is the serializable description of one transform: name plus parameters.
type Spec struct {
	Name   string         `json:"name"`
	Params map[string]any `json:"params"`
}

// Specs describes the chain, with every parameter (defaults included) spelled out.
func (c Chain) Specs() []Spec {
	out := make([]Spec, len(c))
	for i, t := range c {
		out[i] = Spec{Name: t.Name(), Params: Params(t)}
	}
	return out
}

// Fingerprint is a canonical text of the chain (names and all parameters) that
// changes whenever a name, a parameter or the order changes; the patch store
// hashes it into its keys.
func (c Chain) Fingerprint() string {
	b, err := json.Marshal(c.Specs()) // map keys are sorted by encoding/json
	if err != nil {
		panic(fmt.Sprintf("transform: fingerprint: %v", err)) // parameters are plain values
	}
	return string(b)
}

// FromSpecs builds a chain from specs, reporting every bad spec at once.
func FromSpecs(specs []Spec) (Chain, error) {
	var c Chain
	var errs []error
	for i, s := range specs {
		t, err := New(s.Name, s.Params)
		if err != nil {
			errs = append(errs, fmt.Errorf("[%d] %w", i, err))
			continue
		}
		c = append(c, t)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// one wraps a single sample as a result slice.
func one(s *array.Sample) []*array.Sample { return []*array.Sample{s} }

// selectKeys returns the sample's keys named in keys (all keys if keys is empty),
// or an error naming a key the sample lacks.
func selectKeys(s *array.Sample, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return s.Keys(), nil
	}
	for _, k := range keys {
		if _, ok := s.Arrays[k]; !ok {
			return nil, fmt.Errorf("sample has no key %q (has %v)", k, s.Keys())
		}
	}
	return keys, nil
}

// hit draws one Bernoulli(prob) decision.
func hit(r *rand.Rand, prob float64) bool { return prob >= 1 || (prob > 0 && r.Float64() < prob) }
