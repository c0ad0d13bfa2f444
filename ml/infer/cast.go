package infer

import (
	"fmt"
	"math"
)

// DType is the element type of a prediction written out.
type DType int

// The output element types.
const (
	Float32 DType = iota
	Uint8
	Uint16
	Int32
)

// String names the type ("float32", "uint8", ...).
func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Uint8:
		return "uint8"
	case Uint16:
		return "uint16"
	case Int32:
		return "int32"
	}
	return fmt.Sprintf("DType(%d)", int(d))
}

// ParseDType reads a type name as written by String.
func ParseDType(s string) (DType, error) {
	for _, d := range []DType{Float32, Uint8, Uint16, Int32} {
		if d.String() == s {
			return d, nil
		}
	}
	return 0, fmt.Errorf("infer: unknown output type %q (want float32, uint8, uint16 or int32)", s)
}

// Cast converts a prediction to the given type: []float32 is returned as a copy;
// integer types round to nearest and clamp to their range, NaN becomes 0.
func Cast(x []float32, d DType) (any, error) {
	switch d {
	case Float32:
		return append([]float32(nil), x...), nil
	case Uint8:
		return castInt[uint8](x, 0, math.MaxUint8), nil
	case Uint16:
		return castInt[uint16](x, 0, math.MaxUint16), nil
	case Int32:
		return castInt[int32](x, math.MinInt32, math.MaxInt32), nil
	}
	return nil, fmt.Errorf("infer: cannot cast to %v", d)
}

func castInt[T uint8 | uint16 | int32](x []float32, lo, hi float64) []T {
	out := make([]T, len(x))
	for i, v := range x {
		f := math.Round(float64(v))
		switch {
		case math.IsNaN(f):
			f = 0
		case f < lo:
			f = lo
		case f > hi:
			f = hi
		}
		out[i] = T(f)
	}
	return out
}
