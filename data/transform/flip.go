package transform

import (
	"fmt"
	"math/rand/v2"

	"github.com/im2im/im2im/data/array"
)

func init() {
	register(func() Transform { return &RandFlip{Prob: 0.5} })
	register(func() Transform { return &RandRot90{Prob: 0.5, MaxK: 3} })
}

// flipAxis reverses a along axis, in place.
func flipAxis(a *array.Array, axis int) {
	n := a.Shape[axis]
	stride := a.Strides()[axis]
	outer := a.Len() / (n * stride)
	for o := 0; o < outer; o++ {
		base := o * n * stride
		for i := 0; i < n/2; i++ {
			p, q := base+i*stride, base+(n-1-i)*stride
			for in := 0; in < stride; in++ {
				a.Data[p+in], a.Data[q+in] = a.Data[q+in], a.Data[p+in]
			}
		}
	}
}

// rot90 rotates the last two axes (Y, X) of a by k quarter turns counter-clockwise
// (viewed with y down, x right: the x axis turns into -y) and returns a new array.
func rot90(a *array.Array, k int) *array.Array {
	k = ((k % 4) + 4) % 4
	if k == 0 {
		return a
	}
	r := a.Rank()
	ny, nx := a.Shape[r-2], a.Shape[r-1]
	shape := append([]int(nil), a.Shape...)
	if k%2 == 1 {
		shape[r-2], shape[r-1] = nx, ny
	}
	out := array.New(shape...)
	planes := a.Len() / (ny * nx)
	ox := shape[r-1]
	for p := 0; p < planes; p++ {
		src := a.Data[p*ny*nx : (p+1)*ny*nx]
		dst := out.Data[p*ny*nx : (p+1)*ny*nx]
		for y := 0; y < ny; y++ {
			for x := 0; x < nx; x++ {
				var u, v int // output (row, col)
				switch k {
				case 1:
					u, v = nx-1-x, y
				case 2:
					u, v = ny-1-y, nx-1-x
				case 3:
					u, v = x, ny-1-y
				}
				dst[u*ox+v] = src[y*nx+x]
			}
		}
	}
	return out
}

// RandFlip flips all arrays of a sample along each listed spatial axis
// independently with probability Prob ("rand_flip"). Axes are spatial indices
// (0 = Z for 3D, Y for 2D); empty means every spatial axis.
type RandFlip struct {
	Prob float64 `param:"prob"`
	Axes []int   `param:"spatial_axis"`
}

// Name implements Transform.
func (*RandFlip) Name() string { return "rand_flip" }

// Random implements Transform.
func (*RandFlip) Random() bool { return true }

func (t *RandFlip) validate() error {
	if t.Prob < 0 || t.Prob > 1 {
		return fmt.Errorf("prob %v: want 0..1", t.Prob)
	}
	for _, a := range t.Axes {
		if a < 0 || a > 2 {
			return fmt.Errorf("spatial_axis %v: want indices 0..2", t.Axes)
		}
	}
	return nil
}

// Apply implements Transform.
func (t *RandFlip) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	sp, err := s.Spatial()
	if err != nil {
		return nil, err
	}
	axes := t.Axes
	if len(axes) == 0 {
		for i := range sp {
			axes = append(axes, i)
		}
	}
	keys := s.Keys()
	for _, ax := range axes {
		if ax >= len(sp) {
			return nil, fmt.Errorf("spatial_axis %d but the sample is %dD", ax, len(sp))
		}
		if !hit(r, t.Prob) {
			continue
		}
		for _, k := range keys {
			flipAxis(s.Arrays[k], ax+1)
		}
	}
	return one(s), nil
}

// RandRot90 rotates all arrays by k·90° in the Y-X plane (in-plane for 3D) with
// probability Prob, k uniform in 1..MaxK ("rand_rot90"). Non-square planes swap
// their Y and X extents.
type RandRot90 struct {
	Prob float64 `param:"prob"`
	MaxK int     `param:"max_k"`
}

// Name implements Transform.
func (*RandRot90) Name() string { return "rand_rot90" }

// Random implements Transform.
func (*RandRot90) Random() bool { return true }

func (t *RandRot90) validate() error {
	if t.Prob < 0 || t.Prob > 1 {
		return fmt.Errorf("prob %v: want 0..1", t.Prob)
	}
	if t.MaxK < 1 || t.MaxK > 3 {
		return fmt.Errorf("max_k %d: want 1..3", t.MaxK)
	}
	return nil
}

// Apply implements Transform.
func (t *RandRot90) Apply(s *array.Sample, r *rand.Rand) ([]*array.Sample, error) {
	if _, err := s.Spatial(); err != nil {
		return nil, err
	}
	if !hit(r, t.Prob) {
		return one(s), nil
	}
	k := 1 + r.IntN(t.MaxK)
	for _, key := range s.Keys() {
		s.Arrays[key] = rot90(s.Arrays[key], k)
	}
	return one(s), nil
}
