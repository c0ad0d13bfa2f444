package kernels

import "fmt"

// CompareOp is an element-wise float32 comparison producing a bool.
type CompareOp int

// The comparisons (IEEE semantics: every comparison with a NaN is false).
const (
	CmpGreater CompareOp = iota
	CmpGreaterOrEqual
	CmpLess
	CmpLessOrEqual
)

// Compare writes out[i] = a[i] op b[i]. a and b each have len(out) elements or one (a
// scalar compared with every element); large arrays are split over the workers.
func Compare(op CompareOp, out []bool, a, b []float32) error {
	n := len(out)
	if (len(a) != n && len(a) != 1) || (len(b) != n && len(b) != 1) {
		return fmt.Errorf("kernels.Compare: operands of %d and %d elements for an output of %d", len(a), len(b), n)
	}
	if op < CmpGreater || op > CmpLessOrEqual {
		return fmt.Errorf("kernels.Compare: unknown comparison %d", op)
	}
	forRows(n, 1, func(i0, i1 int) {
		compareRange(op, out[i0:i1], rangeOf(a, i0, i1), rangeOf(b, i0, i1))
	})
	return nil
}

// compareRange is Compare on one range. Less and less-or-equal are the greater
// comparisons with the operands swapped, so only two loops per operand layout are needed.
func compareRange(op CompareOp, out []bool, a, b []float32) {
	if op == CmpLess || op == CmpLessOrEqual {
		a, b = b, a
		op -= CmpLess
	}
	switch {
	case len(a) != 1 && len(b) != 1:
		a, b = a[:len(out)], b[:len(out)]
		if op == CmpGreater {
			for i := range out {
				out[i] = a[i] > b[i]
			}
		} else {
			for i := range out {
				out[i] = a[i] >= b[i]
			}
		}
	case len(b) == 1 && len(a) != 1:
		a, s := a[:len(out)], b[0]
		if op == CmpGreater {
			for i := range out {
				out[i] = a[i] > s
			}
		} else {
			for i := range out {
				out[i] = a[i] >= s
			}
		}
	case len(a) == 1 && len(b) != 1:
		s, b := a[0], b[:len(out)]
		if op == CmpGreater {
			for i := range out {
				out[i] = s > b[i]
			}
		} else {
			for i := range out {
				out[i] = s >= b[i]
			}
		}
	default:
		v := a[0] > b[0]
		if op == CmpGreaterOrEqual {
			v = a[0] >= b[0]
		}
		for i := range out {
			out[i] = v
		}
	}
}
