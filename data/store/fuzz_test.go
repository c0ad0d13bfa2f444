package store

import (
	"slices"
	"testing"
)

// FuzzDecodeChunk feeds arbitrary chunk values (as a damaged store could hold)
// to the decoder: it must fail cleanly or fill exactly the asked values, never
// panic; values it produced itself must round-trip.
func FuzzDecodeChunk(f *testing.F) {
	s, err := Open(f.TempDir(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	raw := append([]byte{rawChunk}, floatsToBytes(nil, []float32{1, 2, 3, 4})...)
	f.Add(raw, 4)
	f.Add(s.enc.EncodeAll(floatsToBytes(nil, []float32{0, 0, 0, 7}), []byte{zstdChunk}), 4)
	f.Add([]byte{zstdChunk, 0x28, 0xb5, 0x2f, 0xfd, 0, 0}, 2)
	f.Add([]byte{9, 1, 2}, 1)
	f.Fuzz(func(t *testing.T, v []byte, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		dst := make([]float32, n)
		if err := s.decodeChunk(v, dst); err != nil {
			return
		}
		// Success means the value re-encodes to the same floats.
		again := make([]float32, n)
		if err := s.decodeChunk(append([]byte{rawChunk}, floatsToBytes(nil, dst)...), again); err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(dst, again, func(a, b float32) bool { return a == b || (a != a && b != b) }) {
			t.Fatal("raw round trip changed the values")
		}
	})
}
