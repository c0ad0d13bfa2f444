package kernels

import "testing"

// TestScratchCache: a returned slice is handed out again for requests it fits (n to 2n),
// never for larger ones or much smaller ones, and nothing is kept past ScratchLimit.
func TestScratchCache(t *testing.T) {
	ReleaseScratch()
	defer ReleaseScratch()
	a := getBuf(1000)
	putBuf(a)
	tests := []struct {
		n     int
		reuse bool
	}{
		{1001, false}, // larger than the kept slice
		{400, false},  // the kept slice is more than twice as large
		{600, true},
		{1000, false}, // taken by the previous request
	}
	for _, tc := range tests {
		b := getBuf(tc.n)
		if len(b) != tc.n {
			t.Fatalf("getBuf(%d) has length %d", tc.n, len(b))
		}
		if same := &b[0] == &a[0]; same != tc.reuse {
			t.Fatalf("getBuf(%d) reused the kept slice: %v, want %v", tc.n, same, tc.reuse)
		}
	}
	prev := ScratchLimit
	ScratchLimit = 1500
	defer func() { ScratchLimit = prev }()
	putBuf(make([]float32, 1000))
	putBuf(make([]float32, 1000)) // over the limit: dropped
	if bufCache.floats != 1000 || len(bufCache.free) != 1 {
		t.Fatalf("kept %d floats in %d slices, want 1000 in 1", bufCache.floats, len(bufCache.free))
	}
}
