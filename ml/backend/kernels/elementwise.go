package kernels

import (
	"fmt"
	"math"
)

// BinaryOp selects the operation of Binary.
type BinaryOp int

// The element-wise binary operations.
const (
	Add BinaryOp = iota
	Sub
	Mul
	Div
	Maximum
	Minimum
)

// RowMajorStrides returns the element strides of a row-major array with dimensions dims.
func RowMajorStrides(dims []int) []int {
	s := make([]int, len(dims))
	st := 1
	for d := len(dims) - 1; d >= 0; d-- {
		s[d] = st
		st *= dims[d]
	}
	return s
}

// collapse drops size-1 axes and merges neighbouring axes that are contiguous for every
// operand, so the inner loops run as long as possible. It returns the new dimensions and
// one stride list per operand.
func collapse(dims []int, strides ...[]int) ([]int, [][]int) {
	var nd []int
	ns := make([][]int, len(strides))
	for d, n := range dims {
		if n == 1 {
			continue
		}
		if len(nd) > 0 {
			merge := true
			for k, s := range strides {
				if ns[k][len(nd)-1] != s[d]*n {
					merge = false
					break
				}
			}
			if merge {
				nd[len(nd)-1] *= n
				for k, s := range strides {
					ns[k][len(nd)-1] = s[d]
				}
				continue
			}
		}
		nd = append(nd, n)
		for k, s := range strides {
			ns[k] = append(ns[k], s[d])
		}
	}
	if len(nd) == 0 {
		nd = []int{1}
		for k := range ns {
			ns[k] = []int{0}
		}
	}
	return nd, ns
}

// parallelMin is the number of elements below which element-wise kernels run on one goroutine.
const parallelMin = 1 << 15

// forRows calls fn(row0, row1) over the outer rows [0, rows) of an array whose rows have
// inner elements, in parallel when the array is large.
func forRows(rows, inner int, fn func(r0, r1 int)) {
	w := Workers()
	if rows*inner < parallelMin || w <= 1 || rows == 1 {
		fn(0, rows)
		return
	}
	parts := min(rows, 4*w)
	ParallelFor(parts, func(_, p int) {
		fn(p*rows/parts, (p+1)*rows/parts)
	})
}

// offsets returns the operand offsets of outer row r (all axes but the last) under strides.
func offsets(r int, dims []int, strides [][]int, out []int) {
	for k := range out {
		out[k] = 0
	}
	for d := len(dims) - 2; d >= 0; d-- {
		i := r % dims[d]
		r /= dims[d]
		for k, s := range strides {
			out[k] += i * s[d]
		}
	}
}

// Copy writes dst (row-major, dimensions dims) from src read with the given element
// strides: dst[i…] = src[Σ i_d·srcStrides_d]. A stride of 0 broadcasts; permuted strides
// transpose.
func Copy(dst []float32, dims []int, src []float32, srcStrides []int) error {
	if len(srcStrides) != len(dims) || len(dst) != prod(dims) {
		return fmt.Errorf("kernels.Copy: dims %v, %d strides, %d destination elements", dims, len(srcStrides), len(dst))
	}
	cd, cs := collapse(dims, RowMajorStrides(dims), srcStrides)
	last := len(cd) - 1
	inner := cd[last]
	si := cs[1][last]
	// Short inner runs (e.g. the factor-2 axis of a depth-to-space transpose): loop over
	// the two innermost axes per "row" so the per-row offset computation is amortized.
	if inner < 16 && last >= 1 {
		outer := cd[last-1]
		so := cs[1][last-1]
		rows := prod(cd) / (inner * outer)
		rd := append(append([]int(nil), cd[:last-1]...), outer*inner) // offsets() ignores the last entry
		forRows(rows, inner*outer, func(r0, r1 int) {
			off := make([]int, 2)
			for r := r0; r < r1; r++ {
				offsets(r, rd, cs, off)
				d := dst[off[0] : off[0]+outer*inner]
				for a := 0; a < outer; a++ {
					base := off[1] + a*so
					row := d[a*inner : (a+1)*inner]
					for i := range row {
						row[i] = src[base+i*si]
					}
				}
			}
		})
		return nil
	}
	rows := prod(cd) / inner
	forRows(rows, inner, func(r0, r1 int) {
		off := make([]int, 2)
		for r := r0; r < r1; r++ {
			offsets(r, cd, cs, off)
			d := dst[off[0] : off[0]+inner]
			switch si {
			case 1:
				copy(d, src[off[1]:off[1]+inner])
			case 0:
				v := src[off[1]]
				for i := range d {
					d[i] = v
				}
			default:
				for i := range d {
					d[i] = src[off[1]+i*si]
				}
			}
		}
	})
	return nil
}

// Binary writes dst (row-major, dimensions dims) with op(a, b), each operand read with
// its own element strides (0 broadcasts).
func Binary(op BinaryOp, dst []float32, dims []int, a []float32, aStrides []int, b []float32, bStrides []int) error {
	if len(aStrides) != len(dims) || len(bStrides) != len(dims) || len(dst) != prod(dims) {
		return fmt.Errorf("kernels.Binary: dims %v, strides %v and %v, %d destination elements", dims, aStrides, bStrides, len(dst))
	}
	cd, cs := collapse(dims, RowMajorStrides(dims), aStrides, bStrides)
	last := len(cd) - 1
	inner := cd[last]
	sa, sb := cs[1][last], cs[2][last]
	rows := prod(cd) / inner
	forRows(rows, inner, func(r0, r1 int) {
		off := make([]int, 3)
		for r := r0; r < r1; r++ {
			offsets(r, cd, cs, off)
			binaryRow(op, dst[off[0]:off[0]+inner], a[off[1]:], b[off[2]:], sa, sb)
		}
	})
	return nil
}

// binaryRow computes one row; the common stride patterns get their own loops.
func binaryRow(op BinaryOp, d, a, b []float32, sa, sb int) {
	n := len(d)
	// The AVX-512 loops take the bulk of the common patterns; Go finishes the tail.
	if sa == 1 && sb == 1 {
		if k := vecBinary(op, d, a[:n], b[:n], 0); k > 0 {
			d, a, b, n = d[k:], a[k:], b[k:], n-k
		}
	} else if sa == 1 && sb == 0 {
		if k := vecBinary(op, d, a[:n], nil, b[0]); k > 0 {
			d, a, n = d[k:], a[k:], n-k
		}
	} else if sa == 0 && sb == 1 && (op == Add || op == Mul) {
		// Commutative with the scalar first: the same loop with the operands swapped
		// (Maximum and Minimum are not swapped: which NaN they return would change).
		if k := vecBinary(op, d, b[:n], nil, a[0]); k > 0 {
			d, b, n = d[k:], b[k:], n-k
		}
	}
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		switch op {
		case Add:
			for i := range d {
				d[i] = a[i] + b[i]
			}
		case Sub:
			for i := range d {
				d[i] = a[i] - b[i]
			}
		case Mul:
			for i := range d {
				d[i] = a[i] * b[i]
			}
		case Div:
			for i := range d {
				d[i] = a[i] / b[i]
			}
		case Maximum:
			for i, x := range a {
				d[i] = max(x, b[i])
			}
		default:
			for i := range d {
				d[i] = apply(op, a[i], b[i])
			}
		}
	case sa == 1 && sb == 0:
		a, y := a[:n], b[0]
		switch op {
		case Add:
			for i := range d {
				d[i] = a[i] + y
			}
		case Sub:
			for i := range d {
				d[i] = a[i] - y
			}
		case Mul:
			for i := range d {
				d[i] = a[i] * y
			}
		case Div:
			for i := range d {
				d[i] = a[i] / y
			}
		case Maximum:
			for i, x := range a {
				d[i] = max(x, y)
			}
		default:
			for i := range d {
				d[i] = apply(op, a[i], y)
			}
		}
	case sa == 0 && sb == 1:
		x, b := a[0], b[:n]
		switch op {
		case Add:
			for i := range d {
				d[i] = x + b[i]
			}
		case Sub:
			for i := range d {
				d[i] = x - b[i]
			}
		case Mul:
			for i := range d {
				d[i] = x * b[i]
			}
		default:
			for i := range d {
				d[i] = apply(op, x, b[i])
			}
		}
	default:
		for i := range d {
			d[i] = apply(op, a[i*sa], b[i*sb])
		}
	}
}

// apply computes one element; Maximum and Minimum propagate NaN like XLA.
func apply(op BinaryOp, x, y float32) float32 {
	switch op {
	case Add:
		return x + y
	case Sub:
		return x - y
	case Mul:
		return x * y
	case Div:
		return x / y
	case Maximum:
		return max(x, y) // NaN-propagating, like XLA
	case Minimum:
		return min(x, y)
	}
	panic(fmt.Sprintf("kernels: unknown BinaryOp %d", op))
}

// ReduceOp selects the operation of Reduce.
type ReduceOp int

// The reductions.
const (
	ReduceSum ReduceOp = iota
	ReduceMax
)

// Reduce reduces src (row-major, dimensions dims) over axes into dst (the remaining axes,
// row-major). Sums accumulate in float64.
func Reduce(op ReduceOp, dst, src []float32, dims, axes []int) error {
	red := make([]bool, len(dims))
	for _, a := range axes {
		if a < 0 || a >= len(dims) {
			return fmt.Errorf("kernels.Reduce: axis %d out of range for dims %v", a, dims)
		}
		red[a] = true
	}
	var outDims []int
	for d, n := range dims {
		if !red[d] {
			outDims = append(outDims, n)
		}
	}
	if len(src) != prod(dims) || len(dst) != prod(outDims) {
		return fmt.Errorf("kernels.Reduce: dims %v over %v: %d source and %d destination elements", dims, axes, len(src), len(dst))
	}
	// Destination strides in the source's axis order: 0 on reduced axes.
	os := RowMajorStrides(outDims)
	dstStrides := make([]int, len(dims))
	k := 0
	for d := range dims {
		if !red[d] {
			dstStrides[d] = os[k]
			k++
		}
	}
	cd, cs := collapse(dims, RowMajorStrides(dims), dstStrides)
	last := len(cd) - 1
	inner, di := cd[last], cs[1][last]
	rows := prod(cd) / inner
	// Each goroutine accumulates into its own float64 copy of dst.
	w := Workers()
	parts := 1
	if rows*inner >= parallelMin && w > 1 && rows > 1 {
		parts = min(rows, w)
	}
	accs := make([][]float64, parts)
	ParallelFor(parts, func(_, p int) {
		acc := make([]float64, len(dst))
		init := 0.0
		if op == ReduceMax {
			init = negInf
			for i := range acc {
				acc[i] = init
			}
		}
		off := make([]int, 2)
		for r := p * rows / parts; r < (p+1)*rows/parts; r++ {
			offsets(r, cd, cs, off)
			row := src[off[0] : off[0]+inner]
			if di == 0 {
				if op == ReduceSum {
					acc[off[1]] += float64(sum32(row))
				} else {
					m := acc[off[1]]
					for _, v := range row {
						if float64(v) > m || v != v {
							m = float64(v)
						}
					}
					acc[off[1]] = m
				}
				continue
			}
			a := acc[off[1]:]
			if op == ReduceSum {
				for i, v := range row {
					a[i*di] += float64(v)
				}
			} else {
				for i, v := range row {
					if float64(v) > a[i*di] || v != v {
						a[i*di] = float64(v)
					}
				}
			}
		}
		accs[p] = acc
	})
	for i := range dst {
		v := accs[0][i]
		for p := 1; p < parts; p++ {
			if op == ReduceSum {
				v += accs[p][i]
			} else if accs[p][i] > v || accs[p][i] != accs[p][i] {
				v = accs[p][i]
			}
		}
		dst[i] = float32(v)
	}
	return nil
}

var negInf = math.Inf(-1)

// sum32 adds a row with eight independent partial sums (the loop is bound by add
// throughput, not latency), then combines them.
func sum32(row []float32) float32 {
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(row); i += 8 {
		r := row[i : i+8 : i+8]
		s0 += r[0]
		s1 += r[1]
		s2 += r[2]
		s3 += r[3]
		s4 += r[4]
		s5 += r[5]
		s6 += r[6]
		s7 += r[7]
	}
	for ; i < len(row); i++ {
		s0 += row[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// dot32 is Σ x[i]·y[i] over len(x) elements (y at least as long) with eight independent
// partial sums, as sum32: one running sum waits for each addition to finish.
func dot32(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		a, b := x[i:i+8:i+8], y[i:i+8:i+8]
		s0 += a[0] * b[0]
		s1 += a[1] * b[1]
		s2 += a[2] * b[2]
		s3 += a[3] * b[3]
		s4 += a[4] * b[4]
		s5 += a[5] * b[5]
		s6 += a[6] * b[6]
		s7 += a[7] * b[7]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}
