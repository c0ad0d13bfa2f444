package kernels

import "sync"

// bufPool recycles large scratch slices between kernel calls, so that padded inputs,
// gathered operands and GEMM outputs are not re-allocated (and zeroed by the runtime)
// for every convolution of every training step.
var bufPool sync.Pool

// getBuf returns a slice of n floats with unspecified contents.
func getBuf(n int) []float32 {
	if p, ok := bufPool.Get().(*[]float32); ok {
		if cap(*p) >= n {
			return (*p)[:n]
		}
		bufPool.Put(p) // too small for this request; keep it for a smaller one
	}
	return make([]float32, n)
}

// putBuf hands a slice from getBuf back for reuse.
func putBuf(b []float32) {
	if cap(b) > 0 {
		bufPool.Put(&b)
	}
}
