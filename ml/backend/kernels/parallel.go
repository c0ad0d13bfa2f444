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
	runJob(&teamJob{fn: fn, n: n, workers: w})
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
	runJob(&teamJob{fn: fn, n: n, workers: w, static: true})
}

// runJob runs j on the team, or, when the team is busy with another job (a nested call,
// or one from another goroutine), on goroutines started for it, the caller as worker 0.
func runJob(j *teamJob) {
	if teamFor(j) {
		return
	}
	var wg sync.WaitGroup
	wg.Add(j.workers - 1)
	for k := 1; k < j.workers; k++ {
		go func(worker int) {
			defer wg.Done()
			j.run(worker)
		}(k)
	}
	j.run(0)
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
