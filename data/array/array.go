package array

import (
	"fmt"
	"math"
)

// Array is a dense row-major float32 array. Shape lists the extent of each axis,
// outermost first (C, Z, Y, X for a 3D sample); Data holds prod(Shape) values.
// Integer data (labels, masks) is stored as exact float32 integers.
type Array struct {
	Shape []int
	Data  []float32
}

// New returns a zero-filled array of the given shape. It panics on a negative
// extent, which is always a programming error; use Check for untrusted shapes.
func New(shape ...int) *Array {
	n, err := Size(shape)
	if err != nil {
		panic(err)
	}
	return &Array{Shape: append([]int(nil), shape...), Data: make([]float32, n)}
}

// FromData wraps data with the given shape, checking that the sizes agree.
func FromData(data []float32, shape ...int) (*Array, error) {
	n, err := Size(shape)
	if err != nil {
		return nil, err
	}
	if n != len(data) {
		return nil, fmt.Errorf("array: shape %v needs %d values, got %d", shape, n, len(data))
	}
	return &Array{Shape: append([]int(nil), shape...), Data: data}, nil
}

// Size returns the number of elements of shape, or an error naming the shape if an
// extent is negative or the product overflows.
func Size(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("array: negative extent in shape %v", shape)
		}
		if d != 0 && n > math.MaxInt32*64/d {
			return 0, fmt.Errorf("array: shape %v is too large", shape)
		}
		n *= d
	}
	return n, nil
}

// Len returns the number of elements.
func (a *Array) Len() int { return len(a.Data) }

// Rank returns the number of axes.
func (a *Array) Rank() int { return len(a.Shape) }

// Strides returns the row-major element strides of the array's axes.
func (a *Array) Strides() []int { return Strides(a.Shape) }

// Strides returns the row-major element strides of shape.
func Strides(shape []int) []int {
	s := make([]int, len(shape))
	st := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = st
		st *= shape[i]
	}
	return s
}

// Clone returns a deep copy.
func (a *Array) Clone() *Array {
	return &Array{Shape: append([]int(nil), a.Shape...), Data: append([]float32(nil), a.Data...)}
}

// Check verifies that Data has exactly prod(Shape) elements.
func (a *Array) Check() error {
	if a == nil {
		return fmt.Errorf("array: nil array")
	}
	n, err := Size(a.Shape)
	if err != nil {
		return err
	}
	if n != len(a.Data) {
		return fmt.Errorf("array: shape %v needs %d values, has %d", a.Shape, n, len(a.Data))
	}
	return nil
}

// SameShape reports whether the two shapes are identical.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Spatial returns the spatial part of a channel-first shape (everything after C).
func (a *Array) Spatial() []int { return a.Shape[1:] }

// Channel returns channel c of a channel-first array as a new array with C=1.
func (a *Array) Channel(c int) *Array {
	per := len(a.Data) / a.Shape[0]
	out := New(append([]int{1}, a.Shape[1:]...)...)
	copy(out.Data, a.Data[c*per:(c+1)*per])
	return out
}

// Fill sets every element to v.
func (a *Array) Fill(v float32) {
	for i := range a.Data {
		a.Data[i] = v
	}
}

// MinMax returns the smallest and largest value; (0, 0) for an empty array.
func (a *Array) MinMax() (lo, hi float32) {
	if len(a.Data) == 0 {
		return 0, 0
	}
	lo, hi = a.Data[0], a.Data[0]
	for _, v := range a.Data[1:] {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi
}

// Bytes returns the size of the data in bytes.
func (a *Array) Bytes() int { return 4 * len(a.Data) }
