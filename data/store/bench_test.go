package store

import (
	"fmt"
	"testing"
)

// BenchmarkGet reads whole 32×128×128 samples (IM + GT) from the store.
func BenchmarkGet(b *testing.B) {
	for _, z := range []bool{false, true} {
		b.Run(fmt.Sprintf("zstd=%v", z), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{Compress: z})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			const n = 8
			for i := 0; i < n; i++ {
				if err := s.Put(keyOf(fmt.Sprint(i)), testSample("x", uint64(i), 1, 32, 128, 128)); err != nil {
					b.Fatal(err)
				}
			}
			s.Flush()
			b.SetBytes(2 * 4 * 32 * 128 * 128)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := s.Get(keyOf(fmt.Sprint(i % n))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRegion reads random 32×64×64 patches (IM + GT) of 64×256×256
// volumes, for several chunk shapes.
func BenchmarkRegion(b *testing.B) {
	for _, chunk := range [][]int{{64, 64, 64}, {32, 64, 64}, {16, 32, 32}} {
		b.Run(fmt.Sprintf("chunk=%dx%dx%d", chunk[0], chunk[1], chunk[2]), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{Chunk3D: chunk})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			k := keyOf("big")
			if err := s.Put(k, testSample("big", 1, 1, 64, 256, 256)); err != nil {
				b.Fatal(err)
			}
			s.Flush()
			m, _ := s.Meta(k)
			b.SetBytes(2 * 4 * 32 * 64 * 64)
			for i := 0; b.Loop(); i++ {
				st := []int{(i * 7) % 32, (i * 13) % 192, (i * 29) % 192}
				if _, err := s.RegionWithMeta(k, m, st, []int{32, 64, 64}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
