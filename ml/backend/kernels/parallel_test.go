package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestParallelForCoversEachItemOnce runs ParallelFor and ParallelForStatic from several
// goroutines at once, nested inside each other and across GOMAXPROCS changes (the team
// grows, later calls use part of it): every item must run exactly once, with a worker
// index below Workers(), and static ranges must be contiguous and increasing per worker.
func TestParallelForCoversEachItemOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	check := func(t *testing.T, static bool, n int) {
		hits := make([]atomic.Int32, n)
		w := Workers()
		last := make([]atomic.Int64, w)
		for i := range last {
			last[i].Store(-1)
		}
		var bad atomic.Int32
		fn := func(worker, i int) {
			if worker < 0 || worker >= w {
				bad.Add(1)
				return
			}
			if static && int64(i) <= last[worker].Swap(int64(i)) {
				bad.Add(1)
			}
			hits[i].Add(1)
		}
		if static {
			ParallelForStatic(n, fn)
		} else {
			ParallelFor(n, fn)
		}
		if bad.Load() != 0 {
			t.Errorf("static=%v n=%d: %d items with a bad worker index or order", static, n, bad.Load())
			return
		}
		for i := range hits {
			if h := hits[i].Load(); h != 1 {
				t.Errorf("static=%v n=%d: item %d ran %d times", static, n, i, h)
				return
			}
		}
	}
	for _, procs := range []int{4, 1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2, 3, 7, 100, 1000} {
			check(t, false, n)
			check(t, true, n)
		}
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for r := 0; r < 200; r++ {
					ParallelFor(8, func(_, i int) {
						if i == 0 && r%10 == 0 {
							check(t, g%2 == 0, 33) // nested: runs while the team is busy
						}
					})
					check(t, (g+r)%2 == 0, 1+r%17)
				}
			}(g)
		}
		wg.Wait()
	}
}
