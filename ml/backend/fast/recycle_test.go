package fast

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// TestRecycledBuffersGiveFreshResults runs one executable (native convs, fused element-wise
// chains and inner segments between them) on changing inputs: from the second run on, the
// native outputs are recycled buffers holding the previous run's values, and every result
// must still equal a fresh executable's.
func TestRecycledBuffersGiveFreshResults(t *testing.T) {
	b := newBackend(t)
	fb := b.(*Backend)
	tc := convGradCases[0]
	fn := func(x, k, r *Node) []*Node { return convLoss(tc, x, k, r) }
	exe := MustNewExec(b, fn)
	rng := rand.New(rand.NewPCG(3, 4))
	for run := range 3 {
		x, k, r := randTensor(rng, tc.x...), randTensor(rng, tc.k...), randTensor(rng, 2, 4, 9, 10)
		got := exe.MustExec(x, k, r)
		want := MustNewExec(b, fn).MustExec(x, k, r)
		for i := range want {
			assertClose(t, "output", flat(got[i]), flat(want[i]), 0)
		}
		fb.recycle.mu.Lock()
		kept := fb.recycle.bytes
		fb.recycle.mu.Unlock()
		if kept == 0 {
			t.Fatalf("run %d: no intermediate buffer was kept for reuse", run)
		}
	}
	fb.ReleaseCaches()
	if fb.recycle.bytes != 0 || len(fb.recycle.free) != 0 {
		t.Fatalf("ReleaseCaches kept %d bytes", fb.recycle.bytes)
	}
}

// TestRecyclerLimit: past RecycleLimit freed buffers are finalized, not kept; only shapes
// that compiled executables get from it are kept, and no more of a shape than one run gets.
func TestRecyclerLimit(t *testing.T) {
	b := newBackend(t)
	fb := b.(*Backend)
	inner := fb.Backend
	s := tensors.FromFlatDataAndDimensions(make([]float32, 1000), 10, 100).Shape()
	prev := RecycleLimit
	RecycleLimit = int64(s.Memory()) * 2
	defer func() { RecycleLimit = prev }()
	var r recycler
	other, _, err := inner.NewSharedBuffer(0, tensors.FromFlatDataAndDimensions(make([]float32, 6), 2, 3).Shape())
	if err != nil {
		t.Fatal(err)
	}
	r.put(inner, other) // never asked for: finalized
	if r.bytes != 0 {
		t.Fatalf("kept a buffer of a shape nobody asked for")
	}
	r.need(map[shapeKey]int{mustKey(t, s): 3})
	var bufs []backends.Buffer
	for range 3 {
		buf, _, err := r.get(inner, 0, s)
		if err != nil {
			t.Fatal(err)
		}
		bufs = append(bufs, buf)
	}
	for _, buf := range bufs {
		r.put(inner, buf)
	}
	if r.bytes != RecycleLimit {
		t.Fatalf("kept %d bytes, want the limit %d", r.bytes, RecycleLimit)
	}
	got, _, err := r.get(inner, 0, s)
	if err != nil || got == nil {
		t.Fatalf("get after put: %v", err)
	}
	if r.bytes != RecycleLimit/2 {
		t.Fatalf("after one get %d bytes are kept, want %d", r.bytes, RecycleLimit/2)
	}
	r.drain(inner)

	// A run gets one buffer of shape s: a second one put back is finalized.
	RecycleLimit = 1 << 30
	var one recycler
	one.need(map[shapeKey]int{mustKey(t, s): 1})
	for range 2 {
		buf, _, err := inner.NewSharedBuffer(0, s)
		if err != nil {
			t.Fatal(err)
		}
		one.put(inner, buf)
	}
	if one.bytes != int64(s.Memory()) {
		t.Fatalf("kept %d bytes of shape %s, want one buffer (%d)", one.bytes, s, s.Memory())
	}
	one.drain(inner)
}

func mustKey(t *testing.T, s shapes.Shape) shapeKey {
	k, ok := keyOf(s)
	if !ok {
		t.Fatalf("no key for %s", s)
	}
	return k
}
