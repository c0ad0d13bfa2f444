package imageio

import (
	"math"
	"path/filepath"
	"reflect"
	"testing"
)

// ramp returns an array of the given dtype with distinct, sign- and
// size-exercising values.
func ramp(t *testing.T, dt DType, dims string, shape ...int) *Array {
	t.Helper()
	a, err := NewArray(dt, dims, shape...)
	if err != nil {
		t.Fatal(err)
	}
	n := a.Len()
	for i := 0; i < n; i++ {
		v := float64((i*7919)%65521) - 300
		switch s := a.Data.(type) {
		case []uint8:
			s[i] = uint8(i * 13)
		case []int8:
			s[i] = int8(i*13 - 100)
		case []uint16:
			s[i] = uint16(i * 7919)
		case []int16:
			s[i] = int16(i*7919 - 30000)
		case []uint32:
			s[i] = uint32(i) * 2654435761
		case []int32:
			s[i] = int32(uint32(i) * 2654435761)
		case []uint64:
			s[i] = uint64(i) * 0x9E3779B97F4A7C15
		case []int64:
			s[i] = -int64(i) * 0x9E3779B97F4A7C1
		case []float32:
			s[i] = float32(v) / 7
		case []float64:
			s[i] = v/7 + math.Pi
		}
	}
	return a
}

func TestOMETIFFRoundTrip(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		dt    DType
		dims  string
		shape []int
		opts  WriteOptions
	}{
		{"u16 ZYX deflate", Uint16, "ZYX", []int{3, 17, 23}, WriteOptions{}},
		{"u8 TCZYX zstd", Uint8, "TCZYX", []int{2, 3, 2, 9, 11}, WriteOptions{Compression: "zstd"}},
		{"i16 CYX none", Int16, "CYX", []int{2, 8, 5}, WriteOptions{Compression: "none"}},
		{"f32 ZYX predictor ignored", Float32, "ZYX", []int{2, 6, 7}, WriteOptions{Predictor: true}},
		{"u32 bigtiff predictor small strips", Uint32, "ZCYX", []int{2, 2, 9, 4}, WriteOptions{BigTIFF: true, Predictor: true, RowsPerStrip: 2}},
		{"i32 YXC", Int32, "YXC", []int{5, 4, 3}, WriteOptions{Compression: "zstd", Level: 4}},
		{"f64 YX", Float64, "YX", []int{4, 6}, WriteOptions{Level: 9}},
		{"i8 TYX predictor", Int8, "TYX", []int{3, 4, 5}, WriteOptions{Predictor: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := ramp(t, tc.dt, tc.dims, tc.shape...)
			path := filepath.Join(dir, "x.ome.tif")
			meta := WriteMeta{PhysicalSize: PhysicalSize{X: 0.25, Y: 0.5, Z: 2, ZUnit: "nm"}, ChannelNames: []string{"a", "b&c"}}
			if err := WriteOMETIFF(path, a, meta, tc.opts); err != nil {
				t.Fatal(err)
			}
			img, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			m := img.Meta()
			want, wantShape, _ := canonical(a)
			if m.Shape != wantShape || m.DType != tc.dt || m.Format != "ome-tiff" || m.BigTIFF != tc.opts.BigTIFF {
				t.Fatalf("meta %+v, want shape %v dtype %v", m, wantShape, tc.dt)
			}
			if m.PhysicalSize != (PhysicalSize{X: 0.25, Y: 0.5, Z: 2, XUnit: "µm", YUnit: "µm", ZUnit: "nm"}) {
				t.Errorf("physical size %+v", m.PhysicalSize)
			}
			if wantShape[1] >= 2 && (len(m.ChannelNames) < 2 || m.ChannelNames[1] != "b&c") {
				t.Errorf("channel names %q", m.ChannelNames)
			}
			got, err := img.Read(Selection{Dims: want.Dims})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Data, want.Data) || !reflect.DeepEqual(got.Shape, want.Shape) {
				t.Fatalf("pixels differ: got shape %v", got.Shape)
			}
			// The original axis order comes back when asked for.
			got, err = img.Read(Selection{Dims: tc.dims})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Data, a.Data) {
				t.Fatalf("pixels in %s order differ", tc.dims)
			}
		})
	}
}

func TestNPYRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, dt := range []DType{Uint8, Uint16, Uint32, Uint64, Int8, Int16, Int32, Int64, Float32, Float64} {
		a := ramp(t, dt, "ZYX", 3, 4, 5)
		path := filepath.Join(dir, dt.String()+".npy")
		if err := WriteNPY(path, a); err != nil {
			t.Fatal(err)
		}
		got, m, err := ReadFile(path, Selection{Dims: "ZYX"})
		if err != nil {
			t.Fatal(err)
		}
		if m.Shape != [5]int{1, 1, 3, 4, 5} || m.DType != dt || !reflect.DeepEqual(got.Data, a.Data) {
			t.Errorf("%v: meta %+v, pixels equal %v", dt, m, reflect.DeepEqual(got.Data, a.Data))
		}
	}
}

func TestPNGRoundTrip(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		dt    DType
		dims  string
		shape []int
	}{
		{Uint8, "YX", []int{5, 7}},
		{Uint16, "YX", []int{5, 7}},
		{Uint8, "CYX", []int{3, 4, 6}},
		{Uint16, "CYX", []int{4, 4, 6}},
		{Uint8, "YXC", []int{4, 6, 3}},
	}
	for _, tc := range tests {
		a := ramp(t, tc.dt, tc.dims, tc.shape...)
		if a.Size('C') == 4 { // keep alpha opaque-free but non-zero so RGB is not premultiplied away
			s := a.Data.([]uint16)
			for i := 3 * 24; i < 4*24; i++ {
				s[i] = 0xffff - uint16(i)
			}
		}
		path := filepath.Join(dir, "x.png")
		if err := WritePNG(path, a); err != nil {
			t.Fatal(err)
		}
		img, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		canon, shape, _ := canonical(a)
		m := img.Meta()
		got, err := img.Read(Selection{Dims: canon.Dims})
		img.Close()
		if err != nil {
			t.Fatal(err)
		}
		if m.Shape != shape || m.DType != tc.dt || !reflect.DeepEqual(got.Data, canon.Data) {
			t.Errorf("%v %s: meta %+v, pixels equal %v", tc.dt, tc.dims, m, reflect.DeepEqual(got.Data, canon.Data))
		}
	}
}

func TestBigTIFFChosenBySize(t *testing.T) {
	defer func(v int) { bigTIFFThreshold = v }(bigTIFFThreshold)
	a := ramp(t, Uint16, "ZYX", 4, 16, 16) // 2 KiB of pixels
	dir := t.TempDir()
	for _, tc := range []struct {
		threshold int
		want      bool
	}{{1 << 20, false}, {2048, true}, {2049, false}} {
		bigTIFFThreshold = tc.threshold
		path := filepath.Join(dir, "a.ome.tif")
		if err := WriteOMETIFF(path, a, WriteMeta{}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		got, m, err := ReadFile(path, Selection{Dims: "ZYX"})
		if err != nil {
			t.Fatal(err)
		}
		if m.BigTIFF != tc.want || !reflect.DeepEqual(got.Data, a.Data) {
			t.Errorf("threshold %d: BigTIFF=%v, want %v (pixels equal %v)", tc.threshold, m.BigTIFF, tc.want, reflect.DeepEqual(got.Data, a.Data))
		}
	}
}
