package kernels

import "sync"

// ScratchLimit bounds the floats of freed scratch slices kept for reuse (256 MiB).
var ScratchLimit = 64 << 20

// bufCache recycles large scratch slices between kernel calls, so that padded inputs,
// gathered operands and GEMM outputs are not re-allocated (and zeroed and page-faulted
// by the runtime) for every convolution of every training step. Unlike a sync.Pool it
// survives garbage collections, which come every step or two in training, and it hands
// out a slice of a fitting size rather than whichever one it holds.
var bufCache struct {
	mu     sync.Mutex
	free   [][]float32
	floats int
}

// getBuf returns a slice of n floats with unspecified contents: the smallest kept slice
// of capacity n to 2n, else a new one.
func getBuf(n int) []float32 {
	bufCache.mu.Lock()
	best := -1
	for i, b := range bufCache.free {
		if c := cap(b); c >= n && c <= 2*n && (best < 0 || c < cap(bufCache.free[best])) {
			best = i
		}
	}
	if best >= 0 {
		b := bufCache.free[best]
		last := len(bufCache.free) - 1
		bufCache.free[best] = bufCache.free[last]
		bufCache.free[last] = nil
		bufCache.free = bufCache.free[:last]
		bufCache.floats -= cap(b)
		bufCache.mu.Unlock()
		return b[:n]
	}
	bufCache.mu.Unlock()
	return make([]float32, n)
}

// putBuf hands a slice from getBuf back for reuse; past ScratchLimit it is left to the
// garbage collector.
func putBuf(b []float32) {
	if cap(b) == 0 {
		return
	}
	bufCache.mu.Lock()
	defer bufCache.mu.Unlock()
	if bufCache.floats+cap(b) > ScratchLimit {
		return
	}
	bufCache.free = append(bufCache.free, b[:cap(b)])
	bufCache.floats += cap(b)
}

// ReleaseScratch drops every kept scratch slice (see ScratchLimit).
func ReleaseScratch() {
	bufCache.mu.Lock()
	defer bufCache.mu.Unlock()
	clear(bufCache.free)
	bufCache.free, bufCache.floats = nil, 0
}
