package imageio

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestReadsOnlyWhatIsSelected corrupts one strip or tile and checks that reads
// not touching it still succeed while reads touching it fail naming it: the
// reader decodes only the chunks a selection needs.
func TestReadsOnlyWhatIsSelected(t *testing.T) {
	dir := t.TempDir()

	// Strips: page 3 of a 6-page stack points past the end of the file.
	b := readTestdata(t, "stack_u16.tif")
	setValue(t, b, classicIFDs(t, b)[3], tagStripOffsets, uint32(len(b)+1000))
	path := filepath.Join(dir, "stack.tif")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := Open(path)
	if err != nil {
		t.Fatalf("open reads pixel data: %v", err)
	}
	defer img.Close()
	for _, z := range []int{0, 2, 4, 5} {
		if _, err := img.Read(Selection{Dims: "YX", Z: At(z)}); err != nil {
			t.Errorf("plane %d: %v", z, err)
		}
	}
	if _, err := img.Read(Selection{Dims: "ZYX", Z: Range(2, 4)}); err == nil || !strings.Contains(err.Error(), "page 3: strip 0") {
		t.Errorf("Z range over the bad page: err = %v", err)
	}

	// Tiles: garble tile 4 (rows 16-31, columns 16-31) of page 0.
	b = readTestdata(t, "bigtiff_tiles.tif")
	src := &tiffSource{r: bytes.NewReader(b), path: "x", size: int64(len(b))}
	ti, err := newTIFFImage(src)
	if err != nil {
		t.Fatal(err)
	}
	p := ti.pages[0]
	if p.across != 3 {
		t.Fatalf("expected 3 tiles across, got %d", p.across)
	}
	copy(b[p.offsets[4]:], bytes.Repeat([]byte{0xff}, 16))
	path = filepath.Join(dir, "tiles.tif")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	img2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer img2.Close()
	if _, err := img2.Read(Selection{Dims: "YX", Z: At(0), Y: Range(0, 16), X: Range(0, 36)}); err != nil {
		t.Errorf("first tile row: %v", err)
	}
	if _, err := img2.Read(Selection{Dims: "YX", Z: At(0), Y: Range(16, 40), X: Range(0, 16)}); err != nil {
		t.Errorf("second tile row, first column: %v", err)
	}
	if _, err := img2.Read(Selection{Dims: "ZYX", Z: At(1)}); err != nil {
		t.Errorf("page 1: %v", err)
	}
	if _, err := img2.Read(Selection{Dims: "YX", Z: At(0), Y: Range(20, 21), X: Range(20, 21)}); err == nil || !strings.Contains(err.Error(), "page 0: tile 4: deflate") {
		t.Errorf("pixel inside the bad tile: err = %v", err)
	}
}

// TestImageJContiguous reads an ImageJ file whose images follow the first
// page's data without IFDs of their own (as ImageJ writes files past 4 GiB).
func TestImageJContiguous(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("testdata", "imagej_hyper.tif"))
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := ReadFile(filepath.Join("testdata", "imagej_hyper.tif"), Selection{})
	if err != nil {
		t.Fatal(err)
	}
	b := append([]byte(nil), orig...)
	first := classicIFDs(t, b)[0]
	n := int(binary.LittleEndian.Uint16(b[first:]))
	binary.LittleEndian.PutUint32(b[first+2+12*n:], 0) // cut the IFD chain after page 0
	if got := len(classicIFDs(t, b)); got != 1 {
		t.Fatalf("%d IFDs left", got)
	}
	path := filepath.Join(t.TempDir(), "ij.tif")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, m, err := ReadFile(path, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Shape != [5]int{2, 2, 3, 24, 20} || !reflect.DeepEqual(got.Data, want.Data) {
		t.Errorf("shape %v; pixels equal %v", m.Shape, reflect.DeepEqual(got.Data, want.Data))
	}
	// Without enough bytes for all images, the file is refused with a reason.
	if err := os.WriteFile(path, b[:len(b)-2000], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "ImageJ description promises 12 images") {
		t.Errorf("short contiguous file: err = %v", err)
	}
}
