package imageio

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// addSeeds adds the testdata files with the given suffixes to the corpus,
// skipping large ones (the fuzzer mutates and minimizes small inputs far faster).
func addSeeds(f *testing.F, suffixes ...string) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		for _, s := range suffixes {
			if strings.HasSuffix(e.Name(), s) {
				b, err := os.ReadFile(filepath.Join("testdata", e.Name()))
				if err != nil {
					f.Fatal(err)
				}
				if len(b) <= 8<<10 {
					f.Add(b)
				}
			}
		}
	}
}

// FuzzTIFF parses arbitrary bytes as a TIFF and reads (part of) the image: it
// must return an error or an array of the promised shape, never panic.
func FuzzTIFF(f *testing.F) {
	addSeeds(f, ".tif")
	// Small files of our own writer: 5D OME, BigTIFF with predictor, zstd.
	dir := f.TempDir()
	for i, o := range []WriteOptions{{}, {BigTIFF: true, Predictor: true, RowsPerStrip: 2}, {Compression: "zstd"}} {
		a, err := NewArray(Uint16, "TCZYX", 2, 2, 2, 5, 3)
		if err != nil {
			f.Fatal(err)
		}
		for k := range a.Data.([]uint16) {
			a.Data.([]uint16)[k] = uint16(k * 2039)
		}
		path := filepath.Join(dir, fmt.Sprintf("seed%d.tif", i))
		if err := WriteOMETIFF(path, a, WriteMeta{ChannelNames: []string{"a", "b"}, PhysicalSize: PhysicalSize{X: 0.5}}, o); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := newTIFFImage(&tiffSource{r: bytes.NewReader(b), path: "fuzz.tif", size: int64(len(b))})
		if err != nil {
			return
		}
		m := img.meta
		sel := Selection{}
		n := 1
		for _, s := range m.Shape {
			n *= s
		}
		if n > 1<<22 { // read a corner of the first plane of huge images
			sel = Selection{Dims: "YX", T: At(0), C: At(0), Z: At(0), Y: Range(0, min(m.Shape[3], 64)), X: Range(0, min(m.Shape[4], 64))}
		}
		a, err := img.Read(sel)
		if err != nil {
			return
		}
		if err := a.Check(); err != nil {
			t.Fatalf("read returned an inconsistent array: %v", err)
		}
		if a.DType != m.DType {
			t.Fatalf("dtype %v, meta says %v", a.DType, m.DType)
		}
	})
}

// FuzzNPY decodes arbitrary bytes as NPY; whatever decodes must survive an
// encode/decode round trip unchanged.
func FuzzNPY(f *testing.F) {
	addSeeds(f, ".npy")
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeNPY(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if err := a.Check(); err != nil {
			t.Fatalf("decoded an inconsistent array: %v", err)
		}
		var buf bytes.Buffer
		for _, fortran := range []bool{false, true} {
			buf.Reset()
			if err := EncodeNPY(&buf, a, fortran); err != nil {
				t.Fatal(err)
			}
			back, err := DecodeNPY(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatalf("re-decoding our own encoding (fortran=%v): %v", fortran, err)
			}
			if !reflect.DeepEqual(back.Shape, a.Shape) || !reflect.DeepEqual(back.Data, a.Data) && !hasNaN(a) {
				t.Fatalf("round trip changed the array (fortran=%v)", fortran)
			}
		}
	})
}

func hasNaN(a *Array) bool {
	for _, v := range a.Float64() {
		if v != v {
			return true
		}
	}
	return false
}
