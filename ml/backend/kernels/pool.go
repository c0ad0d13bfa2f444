package kernels

import (
	"fmt"
	"math"
)

// Window describes sliding windows over a row-major array: window sizes, strides and
// low padding per axis, and the number of windows per axis (Out).
type Window struct {
	Dims, Size, Strides, PadLow, Out []int
}

func (w *Window) check(src []float32) error {
	n := len(w.Dims)
	if len(w.Size) != n || len(w.Strides) != n || len(w.PadLow) != n || len(w.Out) != n || len(src) != prod(w.Dims) {
		return fmt.Errorf("kernels: window %+v does not fit %d elements", *w, len(src))
	}
	return nil
}

// inside reports whether every window lies inside the array (no padding is read).
func (w *Window) inside() bool {
	for d := range w.Dims {
		if w.PadLow[d] > 0 || (w.Out[d]-1)*w.Strides[d]-w.PadLow[d]+w.Size[d] > w.Dims[d] {
			return false
		}
	}
	return true
}

// visit calls fn(q, offs) for every window q (row-major over Out) with the flat offsets
// of its elements inside the array (padding positions omitted).
func (w *Window) visit(q0, q1 int, fn func(q int, offs []int)) {
	n := len(w.Dims)
	st := RowMajorStrides(w.Dims)
	qi := make([]int, n)
	rem := q0
	for d := n - 1; d >= 0; d-- {
		qi[d] = rem % w.Out[d]
		rem /= w.Out[d]
	}
	k := make([]int, n)
	size := prod(w.Size)
	offs := make([]int, 0, size)
	if w.inside() {
		// Every window is complete: fixed relative offsets from each window's origin.
		rel := make([]int, 0, size)
		for t := 0; t < size; t++ {
			off := 0
			for d := 0; d < n; d++ {
				off += k[d] * st[d]
			}
			rel = append(rel, off)
			incIndex(k, w.Size)
		}
		offs = offs[:size]
		for q := q0; q < q1; q++ {
			base := 0
			for d := 0; d < n; d++ {
				base += qi[d] * w.Strides[d] * st[d]
			}
			for t, r := range rel {
				offs[t] = base + r
			}
			fn(q, offs)
			incIndex(qi, w.Out)
		}
		return
	}
	for q := q0; q < q1; q++ {
		offs = offs[:0]
		clear(k)
		for t := 0; t < size; t++ {
			off, ok := 0, true
			for d := 0; d < n; d++ {
				x := qi[d]*w.Strides[d] - w.PadLow[d] + k[d]
				if x < 0 || x >= w.Dims[d] {
					ok = false
					break
				}
				off += x * st[d]
			}
			if ok {
				offs = append(offs, off)
			}
			incIndex(k, w.Size)
		}
		fn(q, offs)
		incIndex(qi, w.Out)
	}
}

// ReduceWindow writes into dst (row-major over w.Out) the max or sum of each window of
// src; padding counts as −∞ for max and 0 for sum.
func ReduceWindow(op ReduceOp, dst, src []float32, w *Window) error {
	if err := w.check(src); err != nil {
		return err
	}
	if len(dst) != prod(w.Out) {
		return fmt.Errorf("kernels.ReduceWindow: %d destination elements for %v windows", len(dst), w.Out)
	}
	if p, ok := rowsPlanFor(w); ok && op == ReduceMax {
		forRows(p.rows, p.outLast*prod(w.Size), func(r0, r1 int) { p.maxRows(dst, src, r0, r1) })
		return nil
	}
	forRows(len(dst), prod(w.Size), func(q0, q1 int) {
		w.visit(q0, q1, func(q int, offs []int) {
			if op == ReduceMax {
				m := float32(math.Inf(-1))
				for _, o := range offs {
					m = max(m, src[o])
				}
				dst[q] = m
				return
			}
			var s float32
			for _, o := range offs {
				s += src[o]
			}
			dst[q] = s
		})
	})
	return nil
}

// SelectAndScatterMax writes dst (shaped like src) with zeros, then adds source[q] at the
// first maximum of each window q of src: the max-pool gradient.
func SelectAndScatterMax(dst, src, source []float32, w *Window) error {
	if err := w.check(src); err != nil {
		return err
	}
	if len(dst) != len(src) || len(source) != prod(w.Out) {
		return fmt.Errorf("kernels.SelectAndScatterMax: destination %d (want %d), source %d (want %d)",
			len(dst), len(src), len(source), prod(w.Out))
	}
	clear(dst)
	overlap := false
	for d := range w.Dims {
		if w.Strides[d] < w.Size[d] {
			overlap = true
		}
	}
	body := func(q0, q1 int) {
		w.visit(q0, q1, func(q int, offs []int) {
			if len(offs) == 0 {
				return
			}
			best := offs[0]
			for _, o := range offs[1:] {
				if src[o] > src[best] {
					best = o
				}
			}
			dst[best] += source[q]
		})
	}
	if p, ok := rowsPlanFor(w); ok {
		// Non-overlapping windows: each dst element gets at most one value.
		p.poolRows(src, func(q0 int, best []int32) {
			s := source[q0 : q0+len(best)]
			for i, b := range best {
				dst[b] = s[i]
			}
		})
		return nil
	}
	if overlap {
		body(0, len(source))
	} else {
		forRows(len(source), prod(w.Size), body)
	}
	return nil
}
