package imageio

import (
	"fmt"
	"strings"
)

// Number is the set of Go element types an Array can hold.
type Number interface {
	uint8 | uint16 | uint32 | uint64 | int8 | int16 | int32 | int64 | float32 | float64
}

// Array is a dense, row-major (C order) N-d array with named axes.
//
// Dims names the axes outermost first, one letter each from "TCZYX" (for example
// "ZYX" or "CYX"); Shape has one extent per letter; Data is a typed slice
// ([]uint16 for Uint16, []float32 for Float32, ...) of prod(Shape) elements.
type Array struct {
	DType DType
	Dims  string
	Shape []int
	Data  any
}

// NewArray allocates a zero-filled array.
func NewArray(dtype DType, dims string, shape ...int) (*Array, error) {
	if dtype.Size() == 0 {
		return nil, fmt.Errorf("imageio: new array: invalid dtype %v", dtype)
	}
	if err := checkDims(dims, shape); err != nil {
		return nil, err
	}
	n, err := shapeLen(shape)
	if err != nil {
		return nil, err
	}
	return &Array{DType: dtype, Dims: dims, Shape: append([]int(nil), shape...), Data: makeSlice(dtype, n)}, nil
}

// ArrayOf wraps a typed slice (not copied) as an array with the given dims and shape.
func ArrayOf[T Number](data []T, dims string, shape ...int) (*Array, error) {
	a := &Array{Dims: dims, Shape: append([]int(nil), shape...), Data: data}
	a.DType, _ = dtypeOf(a.Data)
	if err := a.Check(); err != nil {
		return nil, err
	}
	return a, nil
}

// Check verifies that dims, shape, dtype and data agree.
func (a *Array) Check() error {
	if a == nil {
		return fmt.Errorf("imageio: nil array")
	}
	if err := checkDims(a.Dims, a.Shape); err != nil {
		return err
	}
	dt, n := dtypeOf(a.Data)
	if dt == Invalid {
		return fmt.Errorf("imageio: array data has unsupported type %T", a.Data)
	}
	if dt != a.DType {
		return fmt.Errorf("imageio: array dtype %v but data is %T", a.DType, a.Data)
	}
	want, err := shapeLen(a.Shape)
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("imageio: array shape %v (%s) needs %d elements, data has %d", a.Shape, a.Dims, want, n)
	}
	return nil
}

// Len returns the number of elements.
func (a *Array) Len() int {
	_, n := dtypeOf(a.Data)
	return n
}

// Size returns the extent of axis d (a letter of "TCZYX"), or 1 when the
// array has no such axis.
func (a *Array) Size(d byte) int {
	if i := strings.IndexByte(a.Dims, d); i >= 0 {
		return a.Shape[i]
	}
	return 1
}

// Float32 returns the elements converted to float32 in a new slice (also when
// the array already holds float32, so the result never aliases Data).
func (a *Array) Float32() []float32 {
	switch s := a.Data.(type) {
	case []uint8:
		return convert[uint8, float32](s)
	case []uint16:
		return convert[uint16, float32](s)
	case []uint32:
		return convert[uint32, float32](s)
	case []uint64:
		return convert[uint64, float32](s)
	case []int8:
		return convert[int8, float32](s)
	case []int16:
		return convert[int16, float32](s)
	case []int32:
		return convert[int32, float32](s)
	case []int64:
		return convert[int64, float32](s)
	case []float32:
		return append([]float32(nil), s...)
	case []float64:
		return convert[float64, float32](s)
	}
	return nil
}

// Float64 returns the elements converted to float64 in a new slice.
func (a *Array) Float64() []float64 {
	switch s := a.Data.(type) {
	case []uint8:
		return convert[uint8, float64](s)
	case []uint16:
		return convert[uint16, float64](s)
	case []uint32:
		return convert[uint32, float64](s)
	case []uint64:
		return convert[uint64, float64](s)
	case []int8:
		return convert[int8, float64](s)
	case []int16:
		return convert[int16, float64](s)
	case []int32:
		return convert[int32, float64](s)
	case []int64:
		return convert[int64, float64](s)
	case []float32:
		return convert[float32, float64](s)
	case []float64:
		return append([]float64(nil), s...)
	}
	return nil
}

// At returns element i (row-major index) as float64.
func (a *Array) At(i int) float64 {
	switch s := a.Data.(type) {
	case []uint8:
		return float64(s[i])
	case []uint16:
		return float64(s[i])
	case []uint32:
		return float64(s[i])
	case []uint64:
		return float64(s[i])
	case []int8:
		return float64(s[i])
	case []int16:
		return float64(s[i])
	case []int32:
		return float64(s[i])
	case []int64:
		return float64(s[i])
	case []float32:
		return float64(s[i])
	case []float64:
		return s[i]
	}
	return 0
}

// FromFloat32 wraps float32 data (not copied) as an array.
func FromFloat32(data []float32, dims string, shape ...int) (*Array, error) {
	return ArrayOf(data, dims, shape...)
}

// AsType returns the array converted to dtype (values are converted as Go
// conversions do: floats to integers truncate toward zero, out-of-range values
// wrap). When the dtype already matches, a is returned unchanged.
func (a *Array) AsType(dtype DType) (*Array, error) {
	if dtype == a.DType {
		return a, nil
	}
	if dtype.Size() == 0 {
		return nil, fmt.Errorf("imageio: convert to invalid dtype %v", dtype)
	}
	src := a.Float64()
	if src == nil {
		return nil, fmt.Errorf("imageio: array data has unsupported type %T", a.Data)
	}
	out := &Array{DType: dtype, Dims: a.Dims, Shape: append([]int(nil), a.Shape...)}
	switch dtype {
	case Uint8:
		out.Data = convertF[uint8](src)
	case Uint16:
		out.Data = convertF[uint16](src)
	case Uint32:
		out.Data = convertF[uint32](src)
	case Uint64:
		out.Data = convertF[uint64](src)
	case Int8:
		out.Data = convertF[int8](src)
	case Int16:
		out.Data = convertF[int16](src)
	case Int32:
		out.Data = convertF[int32](src)
	case Int64:
		out.Data = convertF[int64](src)
	case Float32:
		out.Data = convertF[float32](src)
	case Float64:
		out.Data = src
	}
	return out, nil
}

func convert[S, D Number](s []S) []D {
	out := make([]D, len(s))
	for i, v := range s {
		out[i] = D(v)
	}
	return out
}

func convertF[D Number](s []float64) []D {
	out := make([]D, len(s))
	for i, v := range s {
		out[i] = D(v)
	}
	return out
}

// Transpose returns the array with its axes reordered to dims, which must be a
// permutation of a.Dims. The data is copied unless the order is unchanged.
func (a *Array) Transpose(dims string) (*Array, error) {
	if dims == a.Dims {
		return a, nil
	}
	if len(dims) != len(a.Dims) {
		return nil, fmt.Errorf("imageio: transpose %s to %s: not a permutation", a.Dims, dims)
	}
	perm := make([]int, len(dims))
	for i := range dims {
		j := strings.IndexByte(a.Dims, dims[i])
		if j < 0 || strings.IndexByte(dims[i+1:], dims[i]) >= 0 {
			return nil, fmt.Errorf("imageio: transpose %s to %s: not a permutation", a.Dims, dims)
		}
		perm[i] = j
	}
	srcStrides := strides(a.Shape)
	shape := make([]int, len(dims))
	st := make([]int, len(dims))
	for i, j := range perm {
		shape[i] = a.Shape[j]
		st[i] = srcStrides[j]
	}
	out := &Array{DType: a.DType, Dims: dims, Shape: shape, Data: makeSlice(a.DType, a.Len())}
	gather(out.Data, a.Data, shape, st)
	return out, nil
}

// gather copies src into dst (row-major over shape) reading src at the given strides.
func gather(dst, src any, shape, st []int) {
	switch d := dst.(type) {
	case []uint8:
		gatherT(d, src.([]uint8), shape, st)
	case []uint16:
		gatherT(d, src.([]uint16), shape, st)
	case []uint32:
		gatherT(d, src.([]uint32), shape, st)
	case []uint64:
		gatherT(d, src.([]uint64), shape, st)
	case []int8:
		gatherT(d, src.([]int8), shape, st)
	case []int16:
		gatherT(d, src.([]int16), shape, st)
	case []int32:
		gatherT(d, src.([]int32), shape, st)
	case []int64:
		gatherT(d, src.([]int64), shape, st)
	case []float32:
		gatherT(d, src.([]float32), shape, st)
	case []float64:
		gatherT(d, src.([]float64), shape, st)
	}
}

func gatherT[T any](dst, src []T, shape, st []int) {
	if len(dst) == 0 {
		return
	}
	n := len(shape)
	idx := make([]int, n)
	off := 0
	for i := range dst {
		dst[i] = src[off]
		for k := n - 1; k >= 0; k-- {
			idx[k]++
			off += st[k]
			if idx[k] < shape[k] {
				break
			}
			off -= st[k] * shape[k]
			idx[k] = 0
		}
	}
}

func strides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// maxElements bounds every allocation imageio makes for pixel data.
const maxElements = 1 << 40

func shapeLen(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("imageio: negative extent in shape %v", shape)
		}
		if d != 0 && n > maxElements/d {
			return 0, fmt.Errorf("imageio: shape %v is too large", shape)
		}
		n *= d
	}
	return n, nil
}

// checkDims verifies that dims are distinct letters of TCZYX, one per shape entry.
func checkDims(dims string, shape []int) error {
	if len(dims) != len(shape) {
		return fmt.Errorf("imageio: dims %q do not match shape %v", dims, shape)
	}
	for i := 0; i < len(dims); i++ {
		if strings.IndexByte("TCZYX", dims[i]) < 0 {
			return fmt.Errorf("imageio: dims %q: %q is not one of T, C, Z, Y, X", dims, dims[i])
		}
		if strings.IndexByte(dims[i+1:], dims[i]) >= 0 {
			return fmt.Errorf("imageio: dims %q repeat %q", dims, dims[i])
		}
	}
	return nil
}
