package backend

import (
	"fmt"
	"testing"

	"github.com/gomlx/gomlx/backends"
)

func TestReverse(t *testing.T) {
	cases := []struct {
		dims []int
		axes []int
	}{
		{[]int{5}, []int{0}},
		{[]int{2, 3, 4}, []int{0, 2}},
		{[]int{2, 3, 4}, []int{1}},
		{[]int{1, 2, 3, 3, 3}, []int{2, 3, 4}},
		{[]int{3, 1}, []int{1}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.dims, tc.axes), func(t *testing.T) {
			in := seq(prod(tc.dims))
			got, shs := runOp(t, func(b *Builder) ([]backends.Op, error) {
				x, err := b.Constant(in, tc.dims...)
				if err != nil {
					return nil, err
				}
				y, err := b.Reverse(x, tc.axes...)
				return []backends.Op{y}, err
			})
			want := make([]float64, len(in))
			for i := range in {
				c := unravel(i, tc.dims)
				for _, a := range tc.axes {
					c[a] = tc.dims[a] - 1 - c[a]
				}
				want[ravel(c, tc.dims)] = in[i]
			}
			assertDims(t, "Reverse", shs[0], tc.dims)
			assertClose(t, "Reverse", got[0], want, 0)
		})
	}
}

// refPad pads with XLA semantics, computed element by element.
func refPad(in []float64, dims []int, fill float64, cfg []backends.PadAxis) ([]float64, []int) {
	out := make([]int, len(dims))
	for i, d := range dims {
		p := backends.PadAxis{}
		if i < len(cfg) {
			p = cfg[i]
		}
		out[i] = p.Start + p.End + d + max(d-1, 0)*p.Interior
	}
	res := make([]float64, prod(out))
	for i := range res {
		res[i] = fill
	}
	for i, v := range in {
		c := unravel(i, dims)
		ok := true
		for a := range c {
			p := backends.PadAxis{}
			if a < len(cfg) {
				p = cfg[a]
			}
			c[a] = p.Start + c[a]*(p.Interior+1)
			if c[a] < 0 || c[a] >= out[a] {
				ok = false
			}
		}
		if ok {
			res[ravel(c, out)] = v
		}
	}
	return res, out
}

func TestPad(t *testing.T) {
	cases := []struct {
		name string
		dims []int
		cfg  []backends.PadAxis
	}{
		{"edges", []int{3, 4}, []backends.PadAxis{{Start: 1, End: 2}, {Start: 0, End: 3}}},
		{"interior", []int{3, 4}, []backends.PadAxis{{Interior: 1}, {Interior: 2, Start: 1}}},
		{"trim", []int{5, 6}, []backends.PadAxis{{Start: -1, End: -2}, {Start: 2, End: -1}}},
		{"interior+trim", []int{4, 3}, []backends.PadAxis{{Start: -1, End: 1, Interior: 1}, {End: -2, Interior: 3}}},
		{"first axis only", []int{2, 3, 2}, []backends.PadAxis{{Start: 1, End: 1, Interior: 1}}},
		{"size one interior", []int{1, 3}, []backends.PadAxis{{Interior: 4, End: 1}, {}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := seq(prod(tc.dims))
			const fill = 99.5
			got, shs := runOp(t, func(b *Builder) ([]backends.Op, error) {
				x, err := b.Constant(in, tc.dims...)
				if err != nil {
					return nil, err
				}
				f, err := b.Constant([]float64{fill})
				if err != nil {
					return nil, err
				}
				if f, err = b.Reshape(f); err != nil {
					return nil, err
				}
				y, err := b.Pad(x, f, tc.cfg...)
				return []backends.Op{y}, err
			})
			want, wantDims := refPad(in, tc.dims, fill, tc.cfg)
			assertDims(t, "Pad", shs[0], wantDims)
			assertClose(t, "Pad", got[0], want, 0)
		})
	}
}

func TestPadErrors(t *testing.T) {
	be := newTestBackend(t)
	b := be.Builder("errors").(*Builder)
	x, _ := b.Constant(seq(6), 2, 3)
	f, _ := b.Constant([]float64{0}, 1)
	scalar, _ := b.Reshape(f)
	if _, err := b.Pad(x, f, backends.PadAxis{}); err == nil {
		t.Error("Pad accepted a non-scalar fill value")
	}
	if _, err := b.Pad(x, scalar, backends.PadAxis{Start: -2, End: -1}); err == nil {
		t.Error("Pad accepted trimming more than the axis holds")
	}
	if _, err := b.Pad(x, scalar, backends.PadAxis{}, backends.PadAxis{}, backends.PadAxis{}); err == nil {
		t.Error("Pad accepted more axes than the rank")
	}
	if _, err := b.Reverse(x, 2); err == nil {
		t.Error("Reverse accepted an axis out of range")
	}
}
