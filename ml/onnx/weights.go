package onnx

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Weights gives a net's variable values by scope and name
// ("/enc0/block0/conv/weights"); *train.Checkpoint implements it.
type Weights interface {
	Value(name string) (*tensors.Tensor, bool)
}

// MapWeights is Weights over a map from scope and name to value (e.g. a
// context's variables, collected by the caller).
type MapWeights map[string]*tensors.Tensor

// Value implements Weights.
func (m MapWeights) Value(name string) (*tensors.Tensor, bool) {
	t, ok := m[name]
	return t, ok
}

// float32s returns variable name's values as float32 after checking its shape
// (want; -1 matches any size on that axis); the error names the variable.
func float32s(w Weights, name string, want []int) ([]float32, []int, error) {
	t, ok := w.Value(name)
	if !ok || t == nil {
		return nil, nil, fmt.Errorf("onnx: variable %s is missing from the weights", name)
	}
	dims := t.Shape().Dimensions
	match := len(dims) == len(want)
	for i := 0; match && i < len(want); i++ {
		match = want[i] < 0 || want[i] == dims[i]
	}
	if !match {
		return nil, nil, fmt.Errorf("onnx: variable %s has shape %v, the net's config needs %v", name, dims, want)
	}
	var out []float32
	err := t.ConstFlatData(func(flat any) {
		switch v := flat.(type) {
		case []float32:
			out = slices.Clone(v)
		case []float64:
			out = make([]float32, len(v))
			for i, x := range v {
				out[i] = float32(x)
			}
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("onnx: variable %s: %w", name, err)
	}
	if out == nil {
		return nil, nil, fmt.Errorf("onnx: variable %s has dtype %s; only float32 and float64 export", name, t.DType())
	}
	return out, slices.Clone(dims), nil
}
