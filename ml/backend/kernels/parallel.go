package kernels

import (
	"runtime"
	"sync"
)

// Workers returns how many goroutines the kernels split work across: GOMAXPROCS.
func Workers() int { return runtime.GOMAXPROCS(0) }

// ParallelFor runs fn(worker, i) for every i in [0, n), spreading the indices over up to
// Workers() goroutines; worker (0 ≤ worker < Workers()) identifies the goroutine so that fn
// may use per-worker scratch space. Items are handed out dynamically, one at a time.
func ParallelFor(n int, fn func(worker, i int)) {
	w := min(Workers(), n)
	if w <= 1 {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	if teamFor(n, false, fn) {
		return
	}
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	wg.Add(w)
	for k := 0; k < w; k++ {
		go func(worker int) {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				fn(worker, i)
			}
		}(k)
	}
	wg.Wait()
}

// ParallelForStatic runs fn(worker, i) for every i in [0, n) like ParallelFor, but hands
// each worker a fixed contiguous range of indices, processed in increasing order. Kernels
// that accumulate into per-worker buffers use it: with dynamic hand-out the items summed
// into each buffer, and so the float32 rounding, would depend on goroutine timing, and two
// runs of the same graph would differ in the last bits (breaking exact resume and
// same-seed reproducibility).
func ParallelForStatic(n int, fn func(worker, i int)) {
	w := min(Workers(), n)
	if w <= 1 {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	if teamFor(n, true, fn) {
		return
	}
	var wg sync.WaitGroup
	wg.Add(w)
	for k := 0; k < w; k++ {
		go func(worker int) {
			defer wg.Done()
			for i := worker * n / w; i < (worker+1)*n/w; i++ {
				fn(worker, i)
			}
		}(k)
	}
	wg.Wait()
}

// sumWorkers adds the per-worker accumulators of ParallelForStatic in worker order (so the
// result is reproducible) into the first non-nil one and returns it; all nil gives zeros of
// length n.
func sumWorkers(accs [][]float32, n int) []float32 {
	var total []float32
	for _, a := range accs {
		switch {
		case a == nil:
		case total == nil:
			total = a
		default:
			for i, v := range a {
				total[i] += v
			}
		}
	}
	if total == nil {
		total = make([]float32, n)
	}
	return total
}
