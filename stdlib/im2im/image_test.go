package im2im

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestImageReadSelectWrite generates a stain pair, reads both with ReadImage,
// selects channels and slices, writes and reads back in three formats.
func TestImageReadSelectWrite(t *testing.T) {
	dir := t.TempDir()
	paths, err := Synth("stain", dir, 1, 3, 24, 32)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ReadImage(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	rgb, err := ReadImage(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(strings.Trim(strings.ReplaceAll(strings.ReplaceAll(rgb.String(), "[", " "), "]", " "), " ")), " "); !strings.Contains(got, "1 3 1 24 32 float32") {
		t.Errorf("String() = %q", rgb.String())
	}
	if in.Shape[1] != 1 || rgb.Shape[1] != 3 || rgb.Name != "stain_000_GT.ome.tiff" {
		t.Fatalf("shapes %v %v, name %q", in.Shape, rgb.Shape, rgb.Name)
	}
	g := rgb.C(1)
	if g.Shape[1] != 1 || len(g.Data) != 24*32 || g.Data[5] != rgb.Data[24*32+5] {
		t.Fatalf("C(1): shape %v, value %v vs %v", g.Shape, g.Data[5], rgb.Data[24*32+5])
	}
	if p := rgb.Panel(); len(p.Shape) != 3 || p.Shape[0] != 3 {
		t.Errorf("RGB panel shape %v", p.Shape)
	}
	for _, ext := range []string{".ome.tiff", ".npy", ".png"} {
		path := filepath.Join(dir, "out"+ext)
		src := g
		if ext == ".png" { // 8 bits: values 0..255
			src = &Image{Name: "ramp", Shape: []int{1, 1, 1, 2, 3}, Data: []float32{0, 50, 100, 150, 200, 250}}
		}
		if err := WriteImage(path, src); err != nil {
			t.Fatal(err)
		}
		back, err := ReadImage(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Data) != len(src.Data) || back.Shape[3] != src.Shape[3] || back.Shape[4] != src.Shape[4] {
			t.Fatalf("%s: read back shape %v, wrote %v", ext, back.Shape, src.Shape)
		}
		for i := range src.Data {
			if math.Abs(float64(back.Data[i]-src.Data[i])) > 1e-6 {
				t.Fatalf("%s: value %d: %v, wrote %v", ext, i, back.Data[i], src.Data[i])
			}
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "C range 3..3 outside 0..2") {
			t.Errorf("out-of-range channel: %v", r)
		}
	}()
	rgb.C(3)
}

// TestMeasure computes metrics from cells with the trainer's code: Dice of a
// mask with itself is 1, with its inverse 0; PSNR of an image with itself is
// infinite-free large; a bad name or shape is an error naming it.
func TestMeasure(t *testing.T) {
	dir := t.TempDir()
	paths, err := Synth("semantic", dir, 1, 5, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	mask, err := ReadImage(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	inv := &Image{Name: "inverse", Shape: mask.Shape, Data: make([]float32, len(mask.Data))}
	for i, v := range mask.Data {
		inv.Data[i] = 1 - v
	}
	cases := []struct {
		name     string
		pred, gt *Image
		lo, hi   float64
	}{
		{"dice", mask, mask, 1, 1},
		{"iou", inv, mask, 0, 0},
		{"pearson", mask, inv, -1.0001, -0.9999},
	}
	for _, tc := range cases {
		v, err := Measure(tc.name, tc.pred, tc.gt)
		if err != nil {
			t.Fatal(err)
		}
		if v < tc.lo-1e-6 || v > tc.hi+1e-6 {
			t.Errorf("%s = %v, want in [%v, %v]", tc.name, v, tc.lo, tc.hi)
		}
	}
	if _, err := Measure("dise", mask, mask); err == nil {
		t.Error("unknown metric accepted")
	}
	small := mask.Zs(0, 1)
	small.Shape = []int{1, 1, 1, 16, 64}
	if _, err := Measure("dice", small, &Image{Name: "other", Shape: []int{1, 1, 1, 8, 8}, Data: make([]float32, 64)}); err == nil {
		t.Error("mismatched shapes accepted")
	}
}
