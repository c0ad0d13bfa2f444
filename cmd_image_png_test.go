package main

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/stdlib/plot"
)

// TestImageConvertPNGViewable: PNG output is a picture to look at — labels in
// colours, floats and 16-bit data scaled, 8-bit intensities kept — and the
// command says what it did; --scale none keeps values (and refuses floats).
func TestImageConvertPNGViewable(t *testing.T) {
	dir := t.TempDir()
	arr := func(a *imageio.Array, err error) *imageio.Array {
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	write := func(name string, a *imageio.Array) string {
		p := filepath.Join(dir, name)
		if err := imageio.Write(p, a, imageio.WriteMeta{}, imageio.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ramp := make([]float32, 4*50)
	grey := make([]uint8, 4*50)
	for i := range ramp {
		ramp[i], grey[i] = float32(i)/10, uint8(i+20)
	}
	labels := write("labels.tif", arr(imageio.ArrayOf([]uint8{0, 1, 1, 0, 2, 2}, "YX", 2, 3)))
	float := write("float.tif", arr(imageio.ArrayOf(ramp, "YX", 4, 50)))
	grey8 := write("grey.tif", arr(imageio.ArrayOf(grey, "YX", 4, 50)))
	tests := []struct {
		name  string
		args  []string
		note  string
		check func(t *testing.T, img image.Image)
		err   string
	}{
		{"labels in colours", []string{labels}, "label image (3 values) drawn in colours", func(t *testing.T, img image.Image) {
			r, g, b, _ := img.At(1, 0).RGBA()
			c := plot.LabelColor(1)
			if uint8(r>>8) != c.R || uint8(g>>8) != c.G || uint8(b>>8) != c.B {
				t.Errorf("label 1 drawn %v %v %v, want %v", r>>8, g>>8, b>>8, c)
			}
			if r, _, _, _ := img.At(0, 0).RGBA(); r != 0 {
				t.Errorf("background not black")
			}
		}, ""},
		{"float scaled", []string{float}, "float32 intensities scaled from the 1% (0.2) to the 99.8% (19.9) percentile", func(t *testing.T, img image.Image) {
			g := img.(*image.Gray)
			if g.Pix[0] != 0 || g.Pix[len(g.Pix)-1] != 255 {
				t.Errorf("ends %d, %d, want 0, 255", g.Pix[0], g.Pix[len(g.Pix)-1])
			}
		}, ""},
		{"8-bit kept", []string{grey8}, "", func(t *testing.T, img image.Image) {
			if g := img.(*image.Gray); g.Pix[0] != 20 {
				t.Errorf("first pixel %d, want 20", g.Pix[0])
			}
		}, ""},
		{"labels raw", []string{labels, "--scale", "none"}, "", func(t *testing.T, img image.Image) {
			if g := img.(*image.Gray); g.Pix[1] != 1 {
				t.Errorf("label 1 written as %d", g.Pix[1])
			}
		}, ""},
		{"float raw refused", []string{float, "--scale", "none"}, "", nil, "a PNG holds 8- or 16-bit integers, not float32"},
		{"bad percentiles", []string{float, "--percentiles", "99,1"}, "", nil, "--percentiles"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".png")
			args := append([]string{"convert", tc.args[0], out}, tc.args[1:]...)
			msg, err := runImage(args...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (tc.note == "") != (msg == "") || !strings.Contains(msg, tc.note) {
				t.Errorf("note %q, want %q", msg, tc.note)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, img)
		})
	}
}
