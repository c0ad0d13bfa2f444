package fast

import (
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// RecycleLimit bounds the bytes of freed intermediate buffers a backend keeps for reuse.
var RecycleLimit int64 = 2 << 30

// recycler keeps the intermediate buffers that Execute frees, keyed by shape, and hands
// them to the next native op or fused group producing that shape. A training step runs
// the same executable with the same shapes every time, so after the first step the native
// outputs come from here: without it they came from the inner backend's sync.Pool, which
// every garbage collection empties, and each step re-allocated (and page-faulted)
// hundreds of MB. Native ops overwrite their whole output, so contents need not be cleared.
type recycler struct {
	mu    sync.Mutex
	free  map[shapeKey][]backends.Buffer
	limit map[shapeKey]int // most buffers of a shape one run of a compiled executable gets
	bytes int64
}

// shapeKey identifies a shape without formatting it (Shape.String cost ~0.4 µs per
// get and put); shapes of more than maxKeyRank axes have no key and are never kept.
type shapeKey struct {
	dt   dtypes.DType
	rank int
	dims [maxKeyRank]int
}

const maxKeyRank = 10

// keyOf returns s's key, ok false when s has too many axes to be kept.
func keyOf(s shapes.Shape) (k shapeKey, ok bool) {
	if s.Rank() > maxKeyRank {
		return k, false
	}
	k.dt, k.rank = s.DType, s.Rank()
	copy(k.dims[:], s.Dimensions)
	return k, true
}

// need raises the per-shape limits to what one run of a newly compiled executable gets
// (counts by shape key): more than that is never reused by a run, so put finalizes the
// rest.
func (r *recycler) need(counts map[shapeKey]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.limit == nil {
		r.limit = map[shapeKey]int{}
	}
	for k, n := range counts {
		r.limit[k] = max(r.limit[k], n)
	}
}

// get returns a buffer of shape s: a recycled one, or a new one from the inner backend.
func (r *recycler) get(inner backends.Backend, dev backends.DeviceNum, s shapes.Shape) (backends.Buffer, any, error) {
	key, ok := keyOf(s)
	if !ok {
		return inner.NewSharedBuffer(dev, s)
	}
	r.mu.Lock()
	if l := r.free[key]; len(l) > 0 {
		b := l[len(l)-1]
		r.free[key] = l[:len(l)-1]
		r.bytes -= int64(s.Memory())
		r.mu.Unlock()
		flat, err := inner.BufferData(b)
		if err == nil {
			return b, flat, nil
		}
		_ = inner.BufferFinalize(b)
		return inner.NewSharedBuffer(dev, s)
	}
	r.mu.Unlock()
	return inner.NewSharedBuffer(dev, s)
}

// put keeps b for reuse when its shape is one native ops produce and fewer than their
// limit of that shape are kept, or finalizes it (also when the recycler is full).
func (r *recycler) put(inner backends.Backend, b backends.Buffer) {
	s, err := inner.BufferShape(b)
	if err != nil {
		_ = inner.BufferFinalize(b)
		return
	}
	size := int64(s.Memory())
	key, ok := keyOf(s)
	r.mu.Lock()
	if !ok || len(r.free[key]) >= r.limit[key] || r.bytes+size > RecycleLimit {
		r.mu.Unlock()
		_ = inner.BufferFinalize(b)
		return
	}
	if r.free == nil {
		r.free = map[shapeKey][]backends.Buffer{}
	}
	r.free[key] = append(r.free[key], b)
	r.bytes += size
	r.mu.Unlock()
}

// drain finalizes every kept buffer.
func (r *recycler) drain(inner backends.Backend) {
	r.mu.Lock()
	free := r.free
	r.free, r.bytes = nil, 0
	r.mu.Unlock()
	for _, l := range free {
		for _, b := range l {
			_ = inner.BufferFinalize(b)
		}
	}
}
