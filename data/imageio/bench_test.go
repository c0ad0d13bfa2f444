package imageio

import (
	"math/rand"
	"path/filepath"
	"testing"
)

// benchVolume returns a smooth 16×512×512 uint16 volume with noise.
func benchVolume(b *testing.B) *Array {
	b.Helper()
	a, err := NewArray(Uint16, "ZYX", 16, 512, 512)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	d := a.Data.([]uint16)
	for i := range d {
		d[i] = uint16(200 + (i%512)/2 + (i/512%512)/3 + rng.Intn(40))
	}
	return a
}

func benchFile(b *testing.B, opts WriteOptions) (string, *Array) {
	b.Helper()
	a := benchVolume(b)
	path := filepath.Join(b.TempDir(), "bench.ome.tif")
	if err := WriteOMETIFF(path, a, WriteMeta{}, opts); err != nil {
		b.Fatal(err)
	}
	return path, a
}

// BenchmarkReadDeflate reads a whole 16×512×512 uint16 deflate OME-TIFF.
func BenchmarkReadDeflate(b *testing.B) {
	path, a := benchFile(b, WriteOptions{})
	b.SetBytes(int64(a.Len() * 2))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := ReadFile(path, Selection{Dims: "ZYX"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadPatchUncompressed reads random 8×64×64 windows from an
// uncompressed volume, as a patch loader does.
func BenchmarkReadPatchUncompressed(b *testing.B) {
	path, _ := benchFile(b, WriteOptions{Compression: "none"})
	img, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer img.Close()
	rng := rand.New(rand.NewSource(2))
	b.SetBytes(8 * 64 * 64 * 2)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z, y, x := rng.Intn(8), rng.Intn(448), rng.Intn(448)
		if _, err := img.Read(Selection{Dims: "ZYX", Z: Range(z, z+8), Y: Range(y, y+64), X: Range(x, x+64)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteDeflate writes a 16×512×512 uint16 deflate OME-TIFF.
func BenchmarkWriteDeflate(b *testing.B) {
	a := benchVolume(b)
	path := filepath.Join(b.TempDir(), "w.ome.tif")
	b.SetBytes(int64(a.Len() * 2))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteOMETIFF(path, a, WriteMeta{}, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
