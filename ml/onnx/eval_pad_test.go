package onnx

import (
	"slices"
	"strings"
	"testing"
)

// Pad follows the ONNX definition (numpy's pad modes) on every axis.
func TestEvalPad(t *testing.T) {
	row := &Tensor{Shape: []int{1, 3}, Float: []float32{1, 2, 3}}
	square := &Tensor{Shape: []int{2, 2}, Float: []float32{1, 2, 3, 4}}
	cases := []struct {
		name  string
		mode  string
		x     *Tensor
		pads  []int64
		fill  []float32
		shape []int
		want  []float32
		err   string
	}{
		{"reflect", "reflect", row, []int64{0, 2, 0, 2}, nil, []int{1, 7}, []float32{3, 2, 1, 2, 3, 2, 1}, ""},
		{"edge", "edge", row, []int64{0, 2, 0, 1}, nil, []int{1, 6}, []float32{1, 1, 1, 2, 3, 3}, ""},
		{"constant", "", row, []int64{0, 1, 0, 2}, []float32{9}, []int{1, 6}, []float32{9, 1, 2, 3, 9, 9}, ""},
		{"crop", "constant", row, []int64{0, -1, 0, 0}, nil, []int{1, 2}, []float32{2, 3}, ""},
		{"both axes", "reflect", square, []int64{1, 1, 0, 0}, nil, []int{3, 3}, []float32{4, 3, 4, 2, 1, 2, 4, 3, 4}, ""},
		{"edge 2D", "edge", square, []int64{0, 0, 1, 1}, nil, []int{3, 3}, []float32{1, 2, 2, 3, 4, 4, 3, 4, 4}, ""},
		{"reflect too far", "reflect", row, []int64{0, 3, 0, 0}, nil, nil, nil, "need more than"},
		{"wrap", "wrap", row, []int64{0, 1, 0, 1}, nil, nil, nil, "mode \"wrap\" is not supported"},
		{"pads length", "edge", row, []int64{1, 1}, nil, nil, nil, "do not fit a rank-2 input"},
	}
	for _, tc := range cases {
		n := &Node{Op: "Pad", Attrs: map[string]Attr{}}
		if tc.mode != "" {
			n.Attrs["mode"] = Attr{S: tc.mode}
		}
		in := []*Tensor{tc.x, {Shape: []int{len(tc.pads)}, Int: tc.pads}}
		if tc.fill != nil {
			in = append(in, &Tensor{Shape: []int{}, Float: tc.fill})
		}
		got, err := evalPad(n, in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(got.Shape, tc.shape) || !slices.Equal(got.Float, tc.want) {
			t.Errorf("%s: %v %v, want %v %v", tc.name, got.Shape, got.Float, tc.shape, tc.want)
		}
	}
}
