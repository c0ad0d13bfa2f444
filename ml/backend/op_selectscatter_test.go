package backend

import (
	"fmt"
	"testing"

	"github.com/gomlx/gomlx/backends"
)

// refSelectAndScatter is the definition: for each window, the first extreme element
// (row-major within the window; padded positions never win) receives the source value.
func refSelectAndScatter(in []float64, dims []int, src []float64, srcDims, window, strides []int, pads [][2]int, isMin bool) []float64 {
	out := make([]float64, len(in))
	for o := range src {
		oc := unravel(o, srcDims)
		best, bestIdx := 0.0, -1
		for k := 0; k < prod(window); k++ {
			wc := unravel(k, window)
			c := make([]int, len(dims))
			inside := true
			for a := range dims {
				p := 0
				if pads != nil {
					p = pads[a][0]
				}
				c[a] = oc[a]*strides[a] + wc[a] - p
				if c[a] < 0 || c[a] >= dims[a] {
					inside = false
				}
			}
			if !inside {
				continue
			}
			v := in[ravel(c, dims)]
			if bestIdx < 0 || (!isMin && v > best) || (isMin && v < best) {
				best, bestIdx = v, ravel(c, dims)
			}
		}
		if bestIdx >= 0 {
			out[bestIdx] += src[o]
		}
	}
	return out
}

func TestSelectAndScatter(t *testing.T) {
	cases := []struct {
		name            string
		dims, srcDims   []int
		window, strides []int
		pads            [][2]int
		ties, isMin     bool
	}{
		{name: "2x2 stride 2", dims: []int{1, 1, 4, 6}, srcDims: []int{1, 1, 2, 3}, window: []int{1, 1, 2, 2}, strides: []int{1, 1, 2, 2}},
		{name: "3x3 stride 1 overlapping", dims: []int{1, 2, 5, 5}, srcDims: []int{1, 2, 3, 3}, window: []int{1, 1, 3, 3}, strides: []int{1, 1, 1, 1}},
		{name: "3x3 stride 2 padded", dims: []int{2, 1, 5, 4}, srcDims: []int{2, 1, 3, 2}, window: []int{1, 1, 3, 3}, strides: []int{1, 1, 2, 2}, pads: [][2]int{{0, 0}, {0, 0}, {1, 1}, {1, 0}}},
		{name: "3D 2x2x2", dims: []int{1, 1, 4, 4, 2}, srcDims: []int{1, 1, 2, 2, 1}, window: []int{1, 1, 2, 2, 2}, strides: []int{1, 1, 2, 2, 2}},
		{name: "ties go to the first", dims: []int{1, 1, 4, 4}, srcDims: []int{1, 1, 2, 2}, window: []int{1, 1, 2, 2}, strides: []int{1, 1, 2, 2}, ties: true},
		{name: "min", dims: []int{1, 1, 4, 6}, srcDims: []int{1, 1, 2, 3}, window: []int{1, 1, 2, 2}, strides: []int{1, 1, 2, 2}, isMin: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := seq(prod(tc.dims))
			if tc.ties {
				for i := range in {
					in[i] = float64(i % 3)
				}
			}
			src := make([]float64, prod(tc.srcDims))
			for i := range src {
				src[i] = float64(i + 1)
			}
			got, shs := runOp(t, func(b *Builder) ([]backends.Op, error) {
				x, err := b.Constant(in, tc.dims...)
				if err != nil {
					return nil, err
				}
				s, err := b.Constant(src, tc.srcDims...)
				if err != nil {
					return nil, err
				}
				var y backends.Op
				if tc.isMin {
					y, err = b.SelectAndScatterMin(x, s, tc.window, tc.strides, tc.pads)
				} else {
					y, err = b.SelectAndScatterMax(x, s, tc.window, tc.strides, tc.pads)
				}
				return []backends.Op{y}, err
			})
			want := refSelectAndScatter(in, tc.dims, src, tc.srcDims, tc.window, tc.strides, tc.pads, tc.isMin)
			assertDims(t, "SelectAndScatter", shs[0], tc.dims)
			assertClose(t, fmt.Sprint("SelectAndScatter ", tc.name), got[0], want, 0)
		})
	}
}

func TestSelectAndScatterErrors(t *testing.T) {
	be := newTestBackend(t)
	b := be.Builder("errors").(*Builder)
	x, _ := b.Constant(seq(16), 4, 4)
	s, _ := b.Constant(seq(9), 3, 3)
	if _, err := b.SelectAndScatterMax(x, s, []int{2, 2}, []int{2, 2}, nil); err == nil {
		t.Error("accepted a source too large for the operand")
	}
	if _, err := b.SelectAndScatterMax(x, s, []int{2}, []int{2}, nil); err == nil {
		t.Error("accepted a window of the wrong rank")
	}
}
