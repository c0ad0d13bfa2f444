package backend

import (
	"testing"

	"github.com/gomlx/gomlx/backends"
)

// byteReader hands out small bounded integers from fuzz input.
type byteReader struct {
	b []byte
	i int
}

func (r *byteReader) next(lo, hi int) int {
	if r.i >= len(r.b) {
		return lo
	}
	v := int(r.b[r.i])
	r.i++
	return lo + v%(hi-lo+1)
}

// FuzzPad compares the composed Pad with the element-by-element definition for random
// ranks, sizes and (possibly negative) edge and interior paddings.
func FuzzPad(f *testing.F) {
	f.Add([]byte{2, 3, 4, 1, 2, 0, 3, 1, 1})
	f.Add([]byte{1, 5, 0, 0, 4})
	f.Add([]byte{3, 2, 1, 3, 2, 4, 1, 0, 5, 2, 3, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &byteReader{b: data}
		rank := r.next(1, 3)
		dims := make([]int, rank)
		cfg := make([]backends.PadAxis, rank)
		for i := range dims {
			dims[i] = r.next(1, 5)
			cfg[i] = backends.PadAxis{Start: r.next(-2, 3), End: r.next(-2, 3), Interior: r.next(0, 2)}
			if dims[i]+max(dims[i]-1, 0)*cfg[i].Interior+cfg[i].Start+cfg[i].End < 0 {
				return // XLA rejects a negative result size; so does Pad (checked in TestPadErrors)
			}
		}
		in := seq(prod(dims))
		got, shs := runOp(t, func(b *Builder) ([]backends.Op, error) {
			x, err := b.Constant(in, dims...)
			if err != nil {
				return nil, err
			}
			fv, _ := b.Constant([]float64{-7}, 1)
			fv, _ = b.Reshape(fv)
			y, err := b.Pad(x, fv, cfg...)
			return []backends.Op{y}, err
		})
		want, wantDims := refPad(in, dims, -7, cfg)
		assertDims(t, "Pad", shs[0], wantDims)
		assertClose(t, "Pad", got[0], want, 0)
	})
}

// FuzzSelectAndScatter compares the composed SelectAndScatterMax/Min with the
// definition for random 2D windows, strides and paddings.
func FuzzSelectAndScatter(f *testing.F) {
	f.Add([]byte{5, 6, 2, 2, 2, 2, 0, 0, 0, 0, 0})
	f.Add([]byte{7, 7, 3, 3, 1, 2, 1, 1, 0, 2, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &byteReader{b: data}
		dims := []int{1, 1, r.next(1, 7), r.next(1, 7)}
		window := []int{1, 1, r.next(1, 3), r.next(1, 3)}
		strides := []int{1, 1, r.next(1, 3), r.next(1, 3)}
		pads := [][2]int{{0, 0}, {0, 0}, {r.next(0, 1), r.next(0, 1)}, {r.next(0, 1), r.next(0, 1)}}
		isMin := r.next(0, 1) == 1
		src := []int{1, 1, 0, 0}
		for a := 2; a < 4; a++ {
			padded := dims[a] + pads[a][0] + pads[a][1]
			if padded < window[a] {
				return
			}
			src[a] = (padded-window[a])/strides[a] + 1
		}
		in := seq(prod(dims))
		sv := make([]float64, prod(src))
		for i := range sv {
			sv[i] = float64(i + 1)
		}
		got, _ := runOp(t, func(b *Builder) ([]backends.Op, error) {
			x, _ := b.Constant(in, dims...)
			s, _ := b.Constant(sv, src...)
			var y backends.Op
			var err error
			if isMin {
				y, err = b.SelectAndScatterMin(x, s, window, strides, pads)
			} else {
				y, err = b.SelectAndScatterMax(x, s, window, strides, pads)
			}
			return []backends.Op{y}, err
		})
		want := refSelectAndScatter(in, dims, sv, src, window, strides, pads, isMin)
		assertClose(t, "SelectAndScatter", got[0], want, 0)
	})
}
