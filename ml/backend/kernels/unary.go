package kernels

import "math"

// UnaryOp selects the operation of Unary.
type UnaryOp int

// The element-wise unary operations.
const (
	Neg UnaryOp = iota
	Abs
	Sign
	Sqrt
	Rsqrt
	Exp
	Log
)

// Unary writes dst[i] = op(src[i]); dst and src have the same length (they may be the same slice).
func Unary(op UnaryOp, dst, src []float32) {
	forRows(len(src), 1, func(i0, i1 int) { unaryRow(op, dst[i0:i1], src[i0:i1]) })
}

// unaryRow applies op to one run of elements.
func unaryRow(op UnaryOp, d, s []float32) {
	if k := vecUnary(op, d, s); k > 0 {
		d, s = d[k:], s[k:]
	}
	{
		switch op {
		case Neg:
			for i, v := range s {
				d[i] = -v
			}
		case Abs:
			for i, v := range s {
				d[i] = math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
			}
		case Sign:
			// Branch-free: ±1 with v's sign bit when v ≠ ±0; ±0 and NaN stay.
			for i, v := range s {
				bits := math.Float32bits(v)
				abs := bits & 0x7fffffff
				mask := uint32(int32(-abs) >> 31) // all ones when abs ≠ 0
				r := bits&0x80000000 | 0x3f800000&mask
				if abs > 0x7f800000 {
					r = bits
				}
				d[i] = math.Float32frombits(r)
			}
		case Sqrt:
			for i, v := range s {
				d[i] = float32(math.Sqrt(float64(v)))
			}
		case Rsqrt:
			for i, v := range s {
				d[i] = float32(1 / math.Sqrt(float64(v)))
			}
		case Exp:
			for i, v := range s {
				d[i] = float32(math.Exp(float64(v)))
			}
		case Log:
			for i, v := range s {
				d[i] = float32(math.Log(float64(v)))
			}
		}
	}
}
