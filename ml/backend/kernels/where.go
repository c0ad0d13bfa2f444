package kernels

import (
	"fmt"
	"math"
)

// Where writes out[i] = onTrue[i] if cond[i] else onFalse[i]. Each of cond, onTrue and
// onFalse has either len(out) elements or one (a scalar used for every i). The selection
// is branch-free (a data-dependent branch mispredicts about half the time on activations,
// whose signs look random) and runs in parallel on large arrays.
func Where(out []float32, cond []bool, onTrue, onFalse []float32) error {
	n := len(out)
	for _, l := range []int{len(cond), len(onTrue), len(onFalse)} {
		if l != n && l != 1 {
			return fmt.Errorf("kernels.Where: operands of %d, %d and %d elements for an output of %d",
				len(cond), len(onTrue), len(onFalse), n)
		}
	}
	if len(cond) == 1 && n != 1 {
		src := onFalse
		if cond[0] {
			src = onTrue
		}
		fillFrom(out, src)
		return nil
	}
	forRows(n, 1, func(i0, i1 int) {
		whereRange(out[i0:i1], cond[i0:i1], rangeOf(onTrue, i0, i1), rangeOf(onFalse, i0, i1))
	})
	return nil
}

// rangeOf returns x[i0:i1], or x itself when it is a scalar.
func rangeOf(x []float32, i0, i1 int) []float32 {
	if len(x) == 1 {
		return x
	}
	return x[i0:i1]
}

// fillFrom copies src into out, or broadcasts it when it is a scalar.
func fillFrom(out, src []float32) {
	if len(src) != 1 {
		copy(out, src)
		return
	}
	v := src[0]
	for i := range out {
		out[i] = v
	}
}

// whereRange is Where on one range; t and f are full ranges or scalars.
func whereRange(out []float32, cond []bool, t, f []float32) {
	if done := vecWhere(out, cond, t, f); done > 0 {
		out, cond = out[done:], cond[done:]
		t, f = rangeOf(t, done, len(t)), rangeOf(f, done, len(f))
		if len(out) == 0 {
			return
		}
	}
	switch {
	case len(t) != 1 && len(f) != 1:
		t, f = t[:len(out)], f[:len(out)]
		cond = cond[:len(out)]
		for i := range out {
			out[i] = pick(cond[i], t[i], f[i])
		}
	case len(t) == 1 && len(f) == 1:
		for i, c := range cond[:len(out)] {
			out[i] = pick(c, t[0], f[0])
		}
	case len(t) == 1:
		f = f[:len(out)]
		for i, c := range cond[:len(out)] {
			out[i] = pick(c, t[0], f[i])
		}
	default:
		t = t[:len(out)]
		for i, c := range cond[:len(out)] {
			out[i] = pick(c, t[i], f[0])
		}
	}
}

// pick returns a if c else b, without a branch: the bits are blended with a mask
// made from c (all ones or all zeros).
func pick(c bool, a, b float32) float32 {
	var m uint32
	if c {
		m = 1
	}
	m = -m
	return math.Float32frombits(math.Float32bits(a)&m | math.Float32bits(b)&^m)
}
