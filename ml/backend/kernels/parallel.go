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
