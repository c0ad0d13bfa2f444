package imageio

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// classicIFDs returns the offsets of the IFDs of a classic little-endian TIFF.
func classicIFDs(t *testing.T, b []byte) []int {
	t.Helper()
	le := binary.LittleEndian
	var out []int
	for off := int(le.Uint32(b[4:])); off != 0 && len(out) < 1000; {
		out = append(out, off)
		n := int(le.Uint16(b[off:]))
		off = int(le.Uint32(b[off+2+12*n:]))
	}
	return out
}

// entryAt returns the byte offset of tag's entry in the IFD at ifd.
func entryAt(t *testing.T, b []byte, ifd int, tag uint16) int {
	t.Helper()
	le := binary.LittleEndian
	n := int(le.Uint16(b[ifd:]))
	for i := 0; i < n; i++ {
		e := ifd + 2 + 12*i
		if le.Uint16(b[e:]) == tag {
			return e
		}
	}
	t.Fatalf("tag %d not found", tag)
	return 0
}

// setValue overwrites the inline value of a SHORT or LONG tag.
func setValue(t *testing.T, b []byte, ifd int, tag uint16, v uint32) {
	e := entryAt(t, b, ifd, tag)
	switch binary.LittleEndian.Uint16(b[e+2:]) {
	case 3:
		binary.LittleEndian.PutUint16(b[e+8:], uint16(v))
	default:
		binary.LittleEndian.PutUint32(b[e+8:], v)
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openAndRead opens b as a file and reads it whole; it returns the first error.
func openAndRead(t *testing.T, name string, b []byte) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := Open(path)
	if err != nil {
		return err
	}
	defer img.Close()
	_, err = img.Read(Selection{})
	return err
}

func TestBadTIFFs(t *testing.T) {
	le := binary.LittleEndian
	tests := []struct {
		name   string
		file   string
		mutate func(t *testing.T, b []byte) []byte
		want   []string // substrings of the error
	}{
		{"empty", "stack_u16.tif", func(t *testing.T, b []byte) []byte { return b[:0] }, []string{"not a TIFF"}},
		{"header only", "stack_u16.tif", func(t *testing.T, b []byte) []byte { return b[:8] }, []string{"page 0", "beyond the end"}},
		{"truncated pixels", "stack_u16.tif", func(t *testing.T, b []byte) []byte {
			return b[:len(b)/2]
		}, []string{"page", "beyond the end"}},
		{"first IFD offset past the end", "stack_u16.tif", func(t *testing.T, b []byte) []byte {
			le.PutUint32(b[4:], uint32(len(b)+100))
			return b
		}, []string{"page 0: IFD", "beyond the end"}},
		{"IFD loop", "stack_u16.tif", func(t *testing.T, b []byte) []byte {
			ifds := classicIFDs(t, b)
			last := ifds[len(ifds)-1]
			n := int(le.Uint16(b[last:]))
			le.PutUint32(b[last+2+12*n:], uint32(ifds[2]))
			return b
		}, []string{"page 6", "IFD loop", "page 2"}},
		{"entry count larger than the file", "stack_u16.tif", func(t *testing.T, b []byte) []byte {
			le.PutUint16(b[classicIFDs(t, b)[1]:], 0xffff)
			return b
		}, []string{"page 1", "claims 65535 entries, more than the file can hold"}},
		{"JPEG compression", "stack_u16.tif", func(t *testing.T, b []byte) []byte {
			setValue(t, b, classicIFDs(t, b)[3], tagCompression, 7)
			return b
		}, []string{"page 3", "compression 7 (JPEG) is not supported"}},
		{"12-bit samples", "stack_u16.tif", func(t *testing.T, b []byte) []byte {
			setValue(t, b, classicIFDs(t, b)[0], tagBitsPerSample, 12)
			return b
		}, []string{"page 0", "12-bit"}},
		{"absurd width, uncompressed", "stack_u16.tif", func(t *testing.T, b []byte) []byte {
			setValue(t, b, classicIFDs(t, b)[0], tagImageWidth, 1<<29)
			return b
		}, []string{"page 0"}},
		{"absurd size, compressed", "i16_pred2.tif", func(t *testing.T, b []byte) []byte {
			ifd := classicIFDs(t, b)[0]
			setValue(t, b, ifd, tagImageWidth, 1<<30)
			setValue(t, b, ifd, tagImageLength, 1<<30)
			setValue(t, b, ifd, tagRowsPerStrip, 1<<30)
			return b
		}, []string{"page 0"}},
		{"strip offset past the end", "stack_u16.tif", func(t *testing.T, b []byte) []byte {
			setValue(t, b, classicIFDs(t, b)[4], tagStripOffsets, uint32(len(b)))
			return b
		}, []string{"page 4: strip 0", "beyond the end"}},
		{"corrupt deflate strip", "i16_pred2.tif", func(t *testing.T, b []byte) []byte {
			ifd := classicIFDs(t, b)[1]
			e := entryAt(t, b, ifd, tagStripOffsets)
			offs := int(le.Uint32(b[e+8:]))
			first := int(le.Uint32(b[offs:]))
			copy(b[first:], bytes.Repeat([]byte{0xff}, 8))
			return b
		}, []string{"page 1: strip 0: deflate"}},
		{"sample format 5", "stack_u16.tif", func(t *testing.T, b []byte) []byte {
			// turn the (unused) ResolutionUnit tag into SampleFormat=5 (complex int)
			e := entryAt(t, b, classicIFDs(t, b)[0], tagResolutionUnit)
			le.PutUint16(b[e:], tagSampleFormat)
			le.PutUint16(b[e+8:], 5)
			return b
		}, []string{"page 0", "sample format 5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.mutate(t, readTestdata(t, tc.file))
			err := openAndRead(t, tc.file, b)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range append([]string{tc.file}, tc.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
		})
	}
}

func TestTruncatedEverywhere(t *testing.T) {
	// Every prefix of a few files fails cleanly (no panic) or, for prefixes that
	// still hold everything needed, reads correctly.
	for _, name := range []string{"bigtiff_tiles.tif", "ome_5d.ome.tif", "fortran_f32be.npy", "lzw_pred2.tif"} {
		b := readTestdata(t, name)
		step := max(1, len(b)/97)
		for n := 0; n < len(b); n += step {
			_ = openAndRead(t, name, b[:n])
		}
	}
}

func TestBadNPY(t *testing.T) {
	hdr := func(dict string) []byte {
		b := []byte("\x93NUMPY\x01\x00")
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)+1))
		return append(append(b, dict...), '\n')
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"complex dtype", hdr("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }"), "NPY dtype \"<c8\" is not supported"},
		{"structured dtype", hdr("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2,), }"), "structured dtypes are not supported"},
		{"data missing", hdr("{'descr': '<u2', 'fortran_order': False, 'shape': (1000, 1000), }"), "needs 2000000 bytes of data"},
		{"absurd shape", hdr("{'descr': '<u2', 'fortran_order': False, 'shape': (1000000000, 1000000000, 1000000000), }"), "too large"},
		{"rank 6", append(hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1), }"), 0), "rank 6"},
		{"no shape", hdr("{'descr': '|u1', 'fortran_order': False, }"), "has no \"shape\""},
		{"bad fortran_order", hdr("{'descr': '|u1', 'fortran_order': maybe, 'shape': (1,), }"), "fortran_order"},
		{"negative extent", hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (-1,), }"), "non-negative"},
		{"version 9", []byte("\x93NUMPY\x09\x00\x00\x00"), "version 9.0"},
		{"header longer than file", []byte("\x93NUMPY\x01\x00\xff\xff{"), "exceeds the file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := openAndRead(t, "bad.npy", tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.npy") {
				t.Errorf("err = %v, want mention of %q and the file", err, tc.want)
			}
		})
	}
}

func TestSelectionErrors(t *testing.T) {
	img, err := Open(filepath.Join("testdata", "ome_5d.ome.tif")) // T2 C3 Z4 Y24 X20
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	tests := []struct {
		sel  Selection
		want string
	}{
		{Selection{Dims: "ZYX", T: At(0)}, "leave out C, which has 3 elements"},
		{Selection{Dims: "ZYX", C: At(0)}, "leave out T, which has 2 elements"},
		{Selection{Dims: "CZYX", T: At(2)}, "T=[2,3) is outside the image's T size 2"},
		{Selection{X: Range(5, 30)}, "X=[5,30)"},
		{Selection{Y: Range(10, 5)}, "Y=[10,5)"},
		{Selection{Dims: "ZYXQ"}, "'Q' is not one of"},
		{Selection{Dims: "TCZYXX"}, "repeat"},
	}
	for _, tc := range tests {
		_, err := img.Read(tc.sel)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "ome_5d.ome.tif") {
			t.Errorf("%+v: err = %v, want mention of %q", tc.sel, err, tc.want)
		}
	}
}

func TestUnknownFile(t *testing.T) {
	err := openAndRead(t, "notes.tif", []byte("hello, world"))
	if err == nil || !strings.Contains(err.Error(), "not a TIFF, NPY or PNG file") || !strings.Contains(err.Error(), "notes.tif") {
		t.Errorf("err = %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.tif")); err == nil || !strings.Contains(err.Error(), "missing.tif") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	a := ramp(t, Uint16, "ZYX", 2, 3, 4)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"bad compression", WriteOMETIFF(filepath.Join(dir, "a.tif"), a, WriteMeta{}, WriteOptions{Compression: "jpeg"}), "compression \"jpeg\""},
		{"int64 ome", WriteOMETIFF(filepath.Join(dir, "b.tif"), ramp(t, Int64, "YX", 2, 2), WriteMeta{}, WriteOptions{}), "cannot hold int64"},
		{"bad level", WriteOMETIFF(filepath.Join(dir, "c.tif"), a, WriteMeta{}, WriteOptions{Level: 12}), "deflate level 12"},
		{"3D png", WritePNG(filepath.Join(dir, "d.png"), a), "axis Z"},
		{"float png", WritePNG(filepath.Join(dir, "e.png"), ramp(t, Float32, "YX", 2, 2)), "uint8 or uint16"},
		{"bad extension", Write(filepath.Join(dir, "f.jpg"), a, WriteMeta{}, WriteOptions{}), "unknown extension \".jpg\""},
		{"inconsistent array", WriteNPY(filepath.Join(dir, "g.npy"), &Array{DType: Uint8, Dims: "YX", Shape: []int{2, 3}, Data: make([]uint8, 5)}), "needs 6 elements"},
	}
	for _, tc := range tests {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want mention of %q", tc.name, tc.err, tc.want)
		}
	}
}

func TestMultiFileOMERefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "part1.ome.tif")
	if err := WriteOMETIFF(path, ramp(t, Uint8, "ZYX", 2, 4, 4), WriteMeta{}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := newTIFFImage(&tiffSource{r: bytes.NewReader(b), path: path, size: int64(len(b))})
	if err != nil {
		t.Fatal(err)
	}
	xml := buildOME([5]int{1, 1, 2, 4, 4}, Uint8, WriteMeta{})
	own := strings.Replace(xml, `<TiffData IFD="0" PlaneCount="2" />`, `<TiffData IFD="0" PlaneCount="2"><UUID FileName="part1.ome.tif">urn:uuid:1</UUID></TiffData>`, 1)
	if err := img.mapOME(own); err != nil {
		t.Errorf("TiffData naming this file: %v", err)
	}
	other := strings.Replace(xml, `<TiffData IFD="0" PlaneCount="2" />`, `<TiffData IFD="0" PlaneCount="2"><UUID FileName="part2.ome.tif">urn:uuid:2</UUID></TiffData>`, 1)
	if err := img.mapOME(other); err == nil || !strings.Contains(err.Error(), `refers to planes in "part2.ome.tif"`) {
		t.Errorf("TiffData naming another file: err = %v", err)
	}
}

func TestPNGSizeBound(t *testing.T) {
	b := readTestdata(t, "gray8.png")
	binary.BigEndian.PutUint32(b[16:], 1<<24) // width
	binary.BigEndian.PutUint32(b[20:], 1<<24) // height
	if err := openAndRead(t, "huge.png", b); err == nil || !strings.Contains(err.Error(), "cannot come from") {
		t.Errorf("err = %v", err)
	}
}
