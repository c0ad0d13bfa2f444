package dsl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Crashes that Go cannot recover from — a goroutine stack over its limit
// (runaway recursion of interpreted code), memory exhausted — end the process
// with no error for the user. A watchdog samples the runtime's memory while a
// cell runs and stops the cell, as an interrupt does, before either happens:
// interpreted code returns at its next step, and the cell fails with
// ErrStackOverflow or ErrOutOfMemory saying what was seen.

// Error names of the cells the watchdog stopped.
const (
	ErrStackOverflow = "StackOverflow" // goroutine stacks grew past Limits.Stack
	ErrOutOfMemory   = "OutOfMemory"   // the heap grew past Limits.Heap
)

// Limits are the watchdog's thresholds, in bytes (0: not watched).
type Limits struct {
	Stack uint64 // memory of all goroutine stacks
	Heap  uint64 // memory of heap objects
	Every time.Duration
}

// DefaultLimits stops a cell whose goroutine stacks pass 256 MiB (Go's own limit,
// fatal, is 1 GiB per goroutine; yaegi uses ~1.5 KiB of stack per interpreted
// call, so 256 MiB is over 100,000 nested calls) or whose heap passes 85 % of the
// memory the process may use (the cgroup limit, else physical memory), sampled
// every 10 ms. IM2IM_MEMORY_LIMIT (bytes, or with a KiB/MiB/GiB suffix) sets the
// memory the process may use.
func DefaultLimits() Limits {
	l := Limits{Stack: 256 << 20, Every: 10 * time.Millisecond}
	if m := memoryAvailable(); m > 0 {
		l.Heap = m / 100 * 85
	}
	return l
}

// SetLimits replaces the session's watchdog thresholds.
func (s *Session) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = l
}

// watchdogCause is the cause of a context the watchdog cancelled.
type watchdogCause struct{ name, msg string }

func (c *watchdogCause) Error() string { return c.msg }

// watch runs f with a context that the watchdog cancels when a limit is passed;
// f's error is then replaced by the watchdog's.
func (s *Session) watch(ctx context.Context, f func(context.Context) (Result, error)) (Result, error) {
	l := s.limits
	if l.Stack == 0 && l.Heap == 0 {
		return f(ctx)
	}
	if l.Every <= 0 {
		l.Every = 10 * time.Millisecond
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		samples := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(l.Every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(samples)
			stack, heap := samples[0].Value.Uint64(), samples[1].Value.Uint64()
			switch {
			case l.Stack > 0 && stack > l.Stack:
				cancel(&watchdogCause{ErrStackOverflow, fmt.Sprintf("stack overflow: the cell was stopped when goroutine stacks reached %s (limit %s): "+
					"runaway recursion? A function that calls itself needs a case that returns without calling it", mib(stack), mib(l.Stack))})
				return
			case l.Heap > 0 && heap > l.Heap:
				debug.FreeOSMemory()
				metrics.Read(samples)
				if heap = samples[1].Value.Uint64(); heap <= l.Heap {
					continue
				}
				cancel(&watchdogCause{ErrOutOfMemory, fmt.Sprintf("out of memory: the cell was stopped when the heap reached %s (limit %s, 85 %% of the memory this process may use; "+
					"IM2IM_MEMORY_LIMIT sets it): load fewer or smaller images at once, or free large values (x = nil)", mib(heap), mib(l.Heap))})
				return
			}
		}
	}()
	res, err := f(ctx)
	close(done)
	wg.Wait()
	var wc *watchdogCause
	if errors.As(context.Cause(ctx), &wc) {
		line := 0
		var e *Error
		if errors.As(err, &e) {
			line = e.Line
		}
		debug.FreeOSMemory()
		return Result{}, &Error{Name: wc.name, Line: line, Msg: wc.msg}
	}
	return res, err
}

// mib formats bytes as MiB.
func mib(b uint64) string { return fmt.Sprintf("%d MiB", b>>20) }

// memoryAvailable returns IM2IM_MEMORY_LIMIT, else the cgroup v2 memory limit,
// else the physical memory (0 when none is known).
func memoryAvailable() uint64 {
	if v := os.Getenv("IM2IM_MEMORY_LIMIT"); v != "" {
		if b, err := parseBytes(v); err == nil {
			return b
		}
		fmt.Fprintf(os.Stderr, "im2im: IM2IM_MEMORY_LIMIT=%q is not a size (bytes, or with KiB/MiB/GiB): ignored\n", v)
	}
	var limit uint64
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil {
			limit = n
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseUint(f[1], 10, 64); err == nil && (limit == 0 || kb<<10 < limit) {
					limit = kb << 10
				}
			}
		}
	}
	return limit
}

// parseBytes parses "123", "512MiB", "4GiB" (also KB/MB/GB, as binary units).
func parseBytes(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	mult := uint64(1)
	for _, u := range []struct {
		suffix string
		m      uint64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(v), u.m
			break
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n * mult, err
}
