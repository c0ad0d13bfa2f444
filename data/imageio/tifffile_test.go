package imageio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// pythonWithTifffile returns /usr/bin/python3 when it can import tifffile and
// numpy, or skips the test saying what is missing.
func pythonWithTifffile(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("skipping: /usr/bin/python3 not found (install python3-tifffile python3-numpy)")
	}
	if out, err := exec.Command(py, "-c", "import tifffile, numpy").CombinedOutput(); err != nil {
		t.Skipf("skipping: /usr/bin/python3 cannot import tifffile/numpy (install python3-tifffile python3-numpy): %s", strings.TrimSpace(string(out)))
	}
	return py
}

// tifffileView is what testdata/check_written.py reports per file.
type tifffileView struct {
	File         string         `json:"file"`
	IsOME        bool           `json:"is_ome"`
	IsBigTIFF    bool           `json:"is_bigtiff"`
	Axes         string         `json:"axes"`
	Shape        []int          `json:"shape"`
	DType        string         `json:"dtype"`
	Compression  int            `json:"compression"`
	Predictor    int            `json:"predictor"`
	Physical     map[string]any `json:"physical"`
	ChannelNames []string       `json:"channel_names"`
	SHA256       string         `json:"sha256"`
}

// TestTifffileReadsOurFiles writes OME-TIFFs with our writer and checks that
// Debian's tifffile reads identical pixels and metadata.
func TestTifffileReadsOurFiles(t *testing.T) {
	py := pythonWithTifffile(t)
	dir := t.TempDir()
	type written struct {
		a     *Array
		opts  WriteOptions
		meta  WriteMeta
		axes  string // tifffile's squeezed axes
		comp  int
		pred  int
		bigtf bool
	}
	cases := map[string]written{
		"u16_tczyx_deflate.ome.tif": {ramp(t, Uint16, "TCZYX", 2, 3, 4, 10, 12), WriteOptions{},
			WriteMeta{PhysicalSize: PhysicalSize{X: 0.108, Y: 0.108, Z: 0.29}, ChannelNames: []string{"DNA", "membrane & <GFP>", "bright field"}},
			"TCZYX", 8, 1, false},
		"f32_zyx_none.ome.tif": {ramp(t, Float32, "ZYX", 5, 9, 7), WriteOptions{Compression: "none"},
			WriteMeta{PhysicalSize: PhysicalSize{X: 2, Y: 3, Z: 4, XUnit: "nm", YUnit: "nm", ZUnit: "mm"}}, "ZYX", 1, 1, false},
		"i16_cyx_predictor_bigtiff.ome.tif": {ramp(t, Int16, "CYX", 2, 33, 17), WriteOptions{Predictor: true, BigTIFF: true, RowsPerStrip: 4},
			WriteMeta{ChannelNames: []string{"a", "b"}}, "CYX", 8, 2, true},
		"u8_yx_zstd.ome.tif": {ramp(t, Uint8, "YX", 21, 13), WriteOptions{Compression: "zstd"}, WriteMeta{}, "YX", 50000, 1, false},
		"u32_zcyx.ome.tif":   {ramp(t, Uint32, "ZCYX", 3, 2, 5, 6), WriteOptions{}, WriteMeta{}, "CZYX", 8, 1, false},
	}
	if _, err := exec.LookPath("zstd"); err != nil {
		t.Log("zstd command not found: not checking the zstd file with tifffile (apt-get install zstd)")
		delete(cases, "u8_yx_zstd.ome.tif")
	}
	var paths []string
	for name, c := range cases {
		p := filepath.Join(dir, name)
		if err := WriteOMETIFF(p, c.a, c.meta, c.opts); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	cmd := exec.Command(py, append([]string{filepath.Join("testdata", "check_written.py")}, paths...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("check_written.py: %v", err)
	}
	var views []tifffileView
	if err := json.Unmarshal(out, &views); err != nil {
		t.Fatalf("check_written.py output: %v\n%s", err, out)
	}
	if len(views) != len(cases) {
		t.Fatalf("tifffile reported %d files, want %d", len(views), len(cases))
	}
	for _, v := range views {
		name := filepath.Base(v.File)
		c := cases[name]
		canon, _, err := canonical(c.a)
		if err != nil {
			t.Fatal(err)
		}
		if !v.IsOME || v.IsBigTIFF != c.bigtf || v.Compression != c.comp || v.Predictor != c.pred {
			t.Errorf("%s: tifffile sees ome=%v bigtiff=%v compression=%d predictor=%d", name, v.IsOME, v.IsBigTIFF, v.Compression, v.Predictor)
		}
		if v.Axes != c.axes || !reflect.DeepEqual(v.Shape, canon.Shape) || v.DType != c.a.DType.String() {
			t.Errorf("%s: tifffile sees %s %v %s, want %s %v %v", name, v.Axes, v.Shape, v.DType, c.axes, canon.Shape, c.a.DType)
		}
		if v.SHA256 != sha(canon) {
			t.Errorf("%s: tifffile reads different pixels", name)
		}
		ps := c.meta.PhysicalSize
		for _, f := range []struct {
			key  string
			v    float64
			unit string
		}{{"X", ps.X, ps.XUnit}, {"Y", ps.Y, ps.YUnit}, {"Z", ps.Z, ps.ZUnit}} {
			got := v.Physical["PhysicalSize"+f.key]
			if f.v == 0 {
				if got != nil {
					t.Errorf("%s: PhysicalSize%s = %v, want none", name, f.key, got)
				}
				continue
			}
			unit := f.unit
			if unit == "" {
				unit = "µm"
			}
			if g, ok := got.(float64); !ok || g != f.v || v.Physical["PhysicalSize"+f.key+"Unit"] != unit {
				t.Errorf("%s: PhysicalSize%s = %v %v, want %v %s", name, f.key, got, v.Physical["PhysicalSize"+f.key+"Unit"], f.v, unit)
			}
		}
		for i, n := range c.meta.ChannelNames {
			if i >= len(v.ChannelNames) || v.ChannelNames[i] != n {
				t.Errorf("%s: channel names %q, want %q", name, v.ChannelNames, c.meta.ChannelNames)
				break
			}
		}
	}
}

// TestNumpyAndPillowReadOurFiles writes NPY (C and Fortran order, every dtype)
// and PNG files and checks that numpy and Pillow read the same values.
func TestNumpyAndPillowReadOurFiles(t *testing.T) {
	py := pythonWithTifffile(t)
	dir := t.TempDir()
	want := map[string]*Array{}
	fortran := map[string]bool{}
	for _, dt := range []DType{Uint8, Uint16, Uint32, Uint64, Int8, Int16, Int32, Int64, Float32, Float64} {
		for _, f := range []bool{false, true} {
			a := ramp(t, dt, "CZYX", 2, 3, 4, 5)
			name := fmt.Sprintf("%v_%v.npy", dt, f)
			var b bytes.Buffer
			if err := EncodeNPY(&b, a, f); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			want[name], fortran[name] = a, f
		}
	}
	pngs := map[string]*Array{
		"gray8.png": ramp(t, Uint8, "YX", 7, 9), "gray16.png": ramp(t, Uint16, "YX", 7, 9),
		"rgb8.png": ramp(t, Uint8, "CYX", 3, 7, 9),
	}
	if out, err := exec.Command(py, "-c", "import PIL").CombinedOutput(); err != nil {
		t.Logf("Pillow missing, PNG files not checked (apt-get install python3-pil): %s", strings.TrimSpace(string(out)))
		pngs = nil
	}
	for name, a := range pngs {
		if err := WritePNG(filepath.Join(dir, name), a); err != nil {
			t.Fatal(err)
		}
		want[name] = a
	}
	var paths []string
	for name := range want {
		paths = append(paths, filepath.Join(dir, name))
	}
	cmd := exec.Command(py, append([]string{filepath.Join("testdata", "check_npy_png.py")}, paths...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("check_npy_png.py: %v", err)
	}
	var views []struct {
		File    string `json:"file"`
		Shape   []int  `json:"shape"`
		DType   string `json:"dtype"`
		Fortran bool   `json:"fortran"`
		SHA256  string `json:"sha256"`
	}
	if err := json.Unmarshal(out, &views); err != nil || len(views) != len(want) {
		t.Fatalf("check_npy_png.py output (%v): %s", err, out)
	}
	for _, v := range views {
		name := filepath.Base(v.File)
		a := want[name]
		if !reflect.DeepEqual(v.Shape, a.Shape) || v.DType != a.DType.String() || v.Fortran != fortran[name] || v.SHA256 != sha(a) {
			t.Errorf("%s: python sees %v %s fortran=%v (sha equal %v), want %v %v fortran=%v",
				name, v.Shape, v.DType, v.Fortran, v.SHA256 == sha(a), a.Shape, a.DType, fortran[name])
		}
	}
}
