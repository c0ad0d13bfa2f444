package kernels

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The team: ParallelFor and ParallelForStatic hand their items to a team of long-lived
// helper goroutines instead of starting new ones, and the caller works as worker 0.
//
// Why: a training step calls them thousands of times for ~0.1–1 ms each. A new goroutine
// (or a parked one) has to be started on an idle core, and on a virtual machine waking an
// idle vCPU takes tens of microseconds; measured on the 2-vCPU KVM machine, a 1 ms
// convolution kept both cores busy only 60–70 % of its time. So helpers spin for a short
// while after each job (yielding to other goroutines while they wait, so data loaders and
// the GC still run), as OpenMP's threads do, and only then park on a channel.
//
// Only one job runs on the team at a time; a call made while it is busy (a nested call,
// or one from another goroutine) runs on goroutines started for it (runJob). Helpers live as long as the
// process; a panic in a helper's share ends the process (as it did in a goroutine), one in
// the caller's share reaches the caller after the helpers have finished.

// TeamSpinEnvVar sets how long idle helpers poll, in microseconds (0: park at once, for
// machines shared with other busy processes; unset: 300).
const TeamSpinEnvVar = "IM2IM_TEAM_SPIN_US"

// teamSpin is how long an idle helper keeps polling for the next job before it parks.
var teamSpin = 300 * time.Microsecond

type teamJob struct {
	fn      func(worker, i int)
	n       int
	workers int          // participants including the caller
	static  bool         // fixed contiguous ranges per worker
	next    atomic.Int64 // next item (dynamic hand-out)
	pending atomic.Int32 // helpers that have not finished
}

// run does worker w's share of the job.
func (j *teamJob) run(w int) {
	if j.static {
		for i := w * j.n / j.workers; i < (w+1)*j.n/j.workers; i++ {
			j.fn(w, i)
		}
		return
	}
	for {
		i := int(j.next.Add(1) - 1)
		if i >= j.n {
			return
		}
		j.fn(w, i)
	}
}

type teamHelper struct {
	id       int // worker index (≥ 1)
	job      atomic.Pointer[teamJob]
	sleeping atomic.Bool
	wake     chan struct{}
}

func (h *teamHelper) loop() {
	for {
		idle := time.Now()
		for spins := 0; ; spins++ {
			if j := h.job.Load(); j != nil {
				h.do(j)
				idle, spins = time.Now(), 0
				continue
			}
			if spins&63 == 63 {
				if time.Since(idle) > teamSpin {
					break
				}
				runtime.Gosched() // now and then, so that other goroutines run
			}
		}
		h.sleeping.Store(true)
		if j := h.job.Load(); j != nil { // a job published before the flag was seen
			h.sleeping.Store(false)
			h.do(j)
			continue
		}
		<-h.wake // may be a stale token: the loop then finds no job and spins again
		h.sleeping.Store(false)
	}
}

func (h *teamHelper) do(j *teamJob) {
	j.run(h.id)
	h.job.Store(nil)
	j.pending.Add(-1)
}

var team struct {
	busy    atomic.Bool
	mu      sync.Mutex // guards helpers while the team grows
	helpers []*teamHelper
}

// teamFor runs j (j.workers participants, the caller as worker 0) on the team and
// reports true, or reports false at once when the team is busy with another job.
func teamFor(j *teamJob) bool {
	if !team.busy.CompareAndSwap(false, true) {
		return false
	}
	w := j.workers
	team.mu.Lock()
	for len(team.helpers) < w-1 {
		h := &teamHelper{id: len(team.helpers) + 1, wake: make(chan struct{}, 1)}
		team.helpers = append(team.helpers, h)
		go h.loop()
	}
	helpers := team.helpers[:w-1]
	team.mu.Unlock()
	j.pending.Store(int32(w - 1))
	// Deferred, so that a panic in the caller's share (recovered further up, e.g. by a
	// notebook cell) still waits for the helpers before the team takes the next job.
	defer func() {
		for spins := 0; j.pending.Load() != 0; spins++ {
			if spins > 16 {
				runtime.Gosched()
			}
		}
		team.busy.Store(false)
	}()
	for _, h := range helpers {
		h.job.Store(j)
		if h.sleeping.Load() {
			select {
			case h.wake <- struct{}{}:
			default:
			}
		}
	}
	j.run(0)
	return true
}

func init() {
	if v := os.Getenv(TeamSpinEnvVar); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			teamSpin = time.Duration(n) * time.Microsecond
		} else {
			fmt.Fprintf(os.Stderr, "im2im: %s=%q is not a number of microseconds ≥ 0; polling %v\n", TeamSpinEnvVar, v, teamSpin)
		}
	}
}
