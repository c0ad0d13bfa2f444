package imageio

import "fmt"

// DType is the element type of an image or array.
type DType uint8

// The element types imageio reads and writes.
const (
	Invalid DType = iota
	Uint8
	Uint16
	Uint32
	Uint64
	Int8
	Int16
	Int32
	Int64
	Float32
	Float64
)

var dtypeNames = [...]string{"invalid", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float32", "float64"}

// String returns the numpy-style name ("uint16", "float32", ...).
func (d DType) String() string {
	if int(d) < len(dtypeNames) {
		return dtypeNames[d]
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// MarshalText writes the dtype's name (for JSON output).
func (d DType) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Size returns the size of one element in bytes (0 for Invalid).
func (d DType) Size() int {
	switch d {
	case Uint8, Int8:
		return 1
	case Uint16, Int16:
		return 2
	case Uint32, Int32, Float32:
		return 4
	case Uint64, Int64, Float64:
		return 8
	}
	return 0
}

// IsFloat reports whether d is a floating-point type.
func (d DType) IsFloat() bool { return d == Float32 || d == Float64 }

// IsSigned reports whether d is a signed integer type.
func (d DType) IsSigned() bool { return d == Int8 || d == Int16 || d == Int32 || d == Int64 }

// makeSlice allocates a typed slice of n elements of d.
func makeSlice(d DType, n int) any {
	switch d {
	case Uint8:
		return make([]uint8, n)
	case Uint16:
		return make([]uint16, n)
	case Uint32:
		return make([]uint32, n)
	case Uint64:
		return make([]uint64, n)
	case Int8:
		return make([]int8, n)
	case Int16:
		return make([]int16, n)
	case Int32:
		return make([]int32, n)
	case Int64:
		return make([]int64, n)
	case Float32:
		return make([]float32, n)
	case Float64:
		return make([]float64, n)
	}
	return nil
}

// dtypeOf returns the dtype and length of a typed slice, or Invalid.
func dtypeOf(data any) (DType, int) {
	switch s := data.(type) {
	case []uint8:
		return Uint8, len(s)
	case []uint16:
		return Uint16, len(s)
	case []uint32:
		return Uint32, len(s)
	case []uint64:
		return Uint64, len(s)
	case []int8:
		return Int8, len(s)
	case []int16:
		return Int16, len(s)
	case []int32:
		return Int32, len(s)
	case []int64:
		return Int64, len(s)
	case []float32:
		return Float32, len(s)
	case []float64:
		return Float64, len(s)
	}
	return Invalid, 0
}
