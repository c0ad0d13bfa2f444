package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
)

const imageTestdata = "data/imageio/testdata"

// runImage runs `im2im image ARGS...` on a fresh command and returns its output.
func runImage(args ...string) (string, error) {
	cmd := newImageCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestImageInfo(t *testing.T) {
	out, err := runImage("info", filepath.Join(imageTestdata, "ome_5d.ome.tif"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("info output is not JSON: %v\n%s", err, out)
	}
	want := map[string]any{
		"format": "ome-tiff", "dims": "TCZYX", "shape": []any{2.0, 3.0, 4.0, 24.0, 20.0}, "dtype": "uint16",
		"compression": "deflate", "pages": 24.0,
		"channel_names": []any{"DNA", "membrane", "bright field"},
		"physical_size": map[string]any{"x": 0.2, "y": 0.3, "z": 1.5, "x_unit": "µm", "y_unit": "µm", "z_unit": "nm"},
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("info %s = %v, want %v", k, got[k], v)
		}
	}
	if _, err := runImage("info", filepath.Join(t.TempDir(), "missing.tif")); err == nil || !strings.Contains(err.Error(), "missing.tif") {
		t.Errorf("info on a missing file: err = %v", err)
	}
}

func TestImageConvert(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(imageTestdata, "ome_5d.ome.tif")
	img, err := imageio.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	tests := []struct {
		args []string
		out  string
		sel  imageio.Selection
		dims string // dims of the re-read output
	}{
		{[]string{"--dims", "ZYX", "--T", "1", "--C", "2"}, "t1c2.npy", imageio.Selection{Dims: "ZYX", T: imageio.At(1), C: imageio.At(2)}, "ZYX"},
		{[]string{"--T", "0", "--Z", "3", "--scale", "none"}, "t0z3.png", imageio.Selection{Dims: "CYX", T: imageio.At(0), Z: imageio.At(3)}, "CYX"},
		{nil, "all.ome.tif", imageio.Selection{}, "TCZYX"},
		{[]string{"--C", "1", "--compression", "zstd"}, "c1.tif", imageio.Selection{Dims: "TZYX", C: imageio.At(1)}, "TZYX"},
	}
	for _, tc := range tests {
		out := filepath.Join(dir, tc.out)
		if _, err := runImage(append([]string{"convert", src, out}, tc.args...)...); err != nil {
			t.Fatalf("convert %v: %v", tc.args, err)
		}
		want, err := img.Read(tc.sel)
		if err != nil {
			t.Fatal(err)
		}
		got, m, err := imageio.ReadFile(out, imageio.Selection{Dims: tc.dims})
		if err != nil {
			t.Fatalf("%s: %v", tc.out, err)
		}
		if !reflect.DeepEqual(got.Data, want.Data) || !reflect.DeepEqual(got.Shape, want.Shape) {
			t.Errorf("%s: converted pixels differ (shape %v, want %v)", tc.out, got.Shape, want.Shape)
		}
		if strings.HasSuffix(tc.out, ".tif") && (m.PhysicalSize.Z != 1.5 || m.PhysicalSize.ZUnit != "nm") {
			t.Errorf("%s: physical size not carried over: %+v", tc.out, m.PhysicalSize)
		}
		if tc.out == "c1.tif" && !reflect.DeepEqual(m.ChannelNames, []string{"membrane"}) {
			t.Errorf("%s: channel names %q, want [membrane]", tc.out, m.ChannelNames)
		}
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"convert", src, filepath.Join(dir, "x.npy"), "--dims", "ZYX", "--T", "0"}, "leaves out C"},
		{[]string{"convert", src, filepath.Join(dir, "x.npy"), "--C", "3"}, "--C 3"},
		{[]string{"convert", src, filepath.Join(dir, "x.png"), "--T", "0"}, "PNG is 2D"},
		{[]string{"convert", src, filepath.Join(dir, "x.jpg")}, "unknown extension"},
	} {
		if _, err := runImage(bad.args...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: err = %v, want mention of %q", bad.args, err, bad.want)
		}
	}
}

// Bad flags of image convert are exit 2, say what to do in the command's
// terms (--T 0, not the Go API's imageio.At(0)) and name the file.
func TestImageConvertBadFlags(t *testing.T) {
	src := filepath.Join(imageTestdata, "ome_5d.ome.tif") // T=2, C=3, Z>1
	out := filepath.Join(t.TempDir(), "x.npy")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--dims", "CZYX"}, []string{"--dims CZYX leaves out T, which has 2 elements in " + src, "pick one with --T 0 (0..1)"}},
		{[]string{"--dims", "ZYX"}, []string{"leaves out T", "--T 0", "leaves out C", "--C 0"}},
		{[]string{"--dims", "TCZY"}, []string{"leaves out X", "add X to --dims"}},
		{[]string{"--dims", "ZYXQ", "--T", "0", "--C", "0"}, []string{`'Q' is not one of T, C, Z, Y, X`}},
		{[]string{"--dims", "ZZYX"}, []string{"--dims ZZYX repeats Z"}},
		{[]string{"--T", "2"}, []string{"--T 2", "0..1"}},
		{[]string{"--compression", "lz4"}, []string{`--compression "lz4"`}},
	} {
		_, err := runImage(append([]string{"convert", src, out}, tc.args...)...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("%v: err = %v, want exit 2", tc.args, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: err = %v, want mention of %q", tc.args, err, w)
			}
		}
		if strings.Contains(err.Error(), "imageio.") {
			t.Errorf("%v: Go API wording in a CLI error: %v", tc.args, err)
		}
	}
	// Picking the time point makes the same --dims valid.
	if _, err := runImage("convert", src, out, "--dims", "CZYX", "--T", "1"); err != nil {
		t.Errorf("--dims CZYX --T 1: %v", err)
	}
}

// .npy output round-trips: NPY axes are named by rank, so the file's axes
// must read back as the axes written (shape per TCZYX axis and pixels equal to
// the source's selection); an order that would read back swapped is refused.
func TestImageConvertNPYAxes(t *testing.T) {
	src := filepath.Join(imageTestdata, "ome_5d.ome.tif")
	img, err := imageio.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		sel  imageio.Selection // the source's pixels, TCZYX
	}{
		{"CZYX", []string{"--dims", "CZYX", "--T", "1"}, imageio.Selection{T: imageio.At(1)}},
		{"default CYX", []string{"--T", "0", "--Z", "3"}, imageio.Selection{T: imageio.At(0), Z: imageio.At(3)}},
		{"default TZYX", []string{"--C", "2"}, imageio.Selection{C: imageio.At(2)}},
		{"TCZYX", []string{"--dims", "TCZYX"}, imageio.Selection{}},
		{"YX", []string{"--dims", "YX", "--T", "1", "--C", "0", "--Z", "2"}, imageio.Selection{T: imageio.At(1), C: imageio.At(0), Z: imageio.At(2)}},
	} {
		out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".npy")
		if _, err := runImage(append([]string{"convert", src, out}, tc.args...)...); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want, err := img.Read(tc.sel)
		if err != nil {
			t.Fatal(err)
		}
		got, m, err := imageio.ReadFile(out, imageio.Selection{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got.Shape, want.Shape) || !reflect.DeepEqual(got.Data, want.Data) {
			t.Errorf("%s: read back TCZYX %v (file shape %v), want %v", tc.name, got.Shape, m.Shape, want.Shape)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--dims", "ZCYX", "--T", "0"}, "--dims ZCYX: a .npy file stores no axis names and a 4-axis one reads back as CZYX; use --dims CZYX"},
		{[]string{"--dims", "CYX", "--T", "0", "--Z", "1"}, "reads back as ZYX; use --dims CZYX"},
		{[]string{"--dims", "TCYXZ"}, "use --dims TCZYX"},
	} {
		_, err := runImage(append([]string{"convert", src, filepath.Join(dir, "bad.npy")}, tc.args...)...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want exit 2 with %q", tc.args, err, tc.want)
		}
	}
	// The same order is fine in OME-TIFF, which names its axes.
	if _, err := runImage("convert", src, filepath.Join(dir, "zcyx.ome.tif"), "--dims", "ZCYX", "--T", "0"); err != nil {
		t.Errorf("ZCYX to OME-TIFF: %v", err)
	}
}

func TestImageCommandRegistered(t *testing.T) {
	var out bytes.Buffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetArgs([]string{"image", "info", filepath.Join(imageTestdata, "gray8.png")})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"format": "png"`) {
		t.Errorf("im2im image info output:\n%s", out.String())
	}
}
