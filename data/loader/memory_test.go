package loader

import (
	"context"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/transform"
)

// TestMemoryBoundHolds streams 400 samples of 1 MiB (400 MiB in all) through a
// loader to a slow consumer and checks, with the live heap measured after
// forced collections while the consumer stalls and the producers block on full
// buffers, that the loader never holds more than MemoryBound: backpressure works and the stated
// bound is real.
func TestMemoryBoundHolds(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 400 MiB")
	}
	src := Func{N: 400, Fn: func(i int) (*array.Sample, error) {
		s := array.NewSample("big")
		a := array.New(1, 512, 512)
		for j := range a.Data {
			a.Data[j] = float32(i + j)
		}
		s.Arrays["IM"] = a
		return s, nil
	}}
	l, err := New(src, Options{BatchSize: 4, Workers: 2, Prefetch: 2, Seed: 1, Random: transform.Chain{
		&transform.RandCropSamples{Size: []int{128, 128}, N: 2},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	e := l.Epoch(context.Background(), 0)
	n := 0
	for {
		b, err := e.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		time.Sleep(300 * time.Microsecond) // a consumer slower than the producers
		if n%10 == 0 {
			// Stall so the producers fill every buffer and block: the moment the
			// loader holds the most. Nothing allocates while we measure.
			time.Sleep(30 * time.Millisecond)
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
				peak = ms.HeapAlloc - base
			}
		}
		_ = b
	}
	if n != 200 {
		t.Fatalf("%d batches, want 200", n)
	}
	bound := uint64(l.MemoryBound())
	t.Logf("live heap peak %.1f MiB, stated bound %.1f MiB, data streamed 400 MiB", float64(peak)/(1<<20), float64(bound)/(1<<20))
	if bound < 4<<20 || bound > 16<<20 {
		t.Errorf("stated bound %d bytes is not Window×item + (Prefetch+4)×batch for these sizes", bound)
	}
	// Allowance: 256 KiB of runtime overhead (goroutines, channels, slices).
	if limit := bound + 256<<10; peak > limit {
		t.Errorf("live heap reached %d bytes, above the stated bound %d (+%d allowance)", peak, bound, limit-bound)
	}
}
