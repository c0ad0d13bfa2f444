package imageio

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// refEntry is one file of testdata/manifest.json (written by gen_tiffs.py).
type refEntry struct {
	File         string           `json:"file"`
	Format       string           `json:"format"`
	Shape        [5]int           `json:"shape"`
	DType        string           `json:"dtype"`
	SHA256       string           `json:"sha256"`
	Window       map[string][]int `json:"window"`
	WindowSHA256 string           `json:"window_sha256"`
	Samples      [][6]float64     `json:"samples"`
	Compression  string           `json:"compression"`
	Pages        int              `json:"pages"`
	BigTIFF      bool             `json:"bigtiff"`
	ByteOrder    string           `json:"byte_order"`
	Tiled        bool             `json:"tiled"`
	PhysicalSize PhysicalSize     `json:"physical_size"`
	ChannelNames []string         `json:"channel_names"`
}

func loadManifest(t testing.TB) []refEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m []refEntry
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) < 20 {
		t.Fatalf("manifest lists only %d files", len(m))
	}
	return m
}

func sha(a *Array) string {
	h := sha256.Sum256(toBytesLE(a.Data))
	return hex.EncodeToString(h[:])
}

// TestReferenceFiles reads every file written by tifffile/numpy/Pillow and
// compares metadata and pixels with the manifest.
func TestReferenceFiles(t *testing.T) {
	for _, e := range loadManifest(t) {
		t.Run(e.File, func(t *testing.T) {
			img, err := Open(filepath.Join("testdata", e.File))
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			m := img.Meta()
			if m.Format != e.Format || m.Shape != e.Shape || m.DType.String() != e.DType {
				t.Errorf("format/shape/dtype = %s %v %v, want %s %v %s", m.Format, m.Shape, m.DType, e.Format, e.Shape, e.DType)
			}
			if m.Dims != "TCZYX" {
				t.Errorf("dims %q", m.Dims)
			}
			if e.Format != "npy" && e.Format != "png" {
				wantOrder := e.ByteOrder
				if wantOrder == "" {
					wantOrder = "little"
				}
				if m.Compression != e.Compression || m.Pages != e.Pages || m.BigTIFF != e.BigTIFF || m.ByteOrder != wantOrder || m.Tiled != e.Tiled {
					t.Errorf("compression/pages/bigtiff/order/tiled = %s %d %v %s %v, want %s %d %v %s %v",
						m.Compression, m.Pages, m.BigTIFF, m.ByteOrder, m.Tiled, e.Compression, e.Pages, e.BigTIFF, wantOrder, e.Tiled)
				}
			}
			if !closePS(m.PhysicalSize, e.PhysicalSize) {
				t.Errorf("physical size %+v, want %+v", m.PhysicalSize, e.PhysicalSize)
			}
			if len(e.ChannelNames) > 0 && !reflect.DeepEqual(m.ChannelNames, e.ChannelNames) {
				t.Errorf("channel names %q, want %q", m.ChannelNames, e.ChannelNames)
			}
			full, err := img.Read(Selection{})
			if err != nil {
				t.Fatal(err)
			}
			if got := sha(full); got != e.SHA256 {
				t.Errorf("pixels differ from the reference (sha256 %s, want %s)", got, e.SHA256)
			}
			for _, s := range e.Samples {
				i := (((int(s[0])*e.Shape[1]+int(s[1]))*e.Shape[2]+int(s[2]))*e.Shape[3]+int(s[3]))*e.Shape[4] + int(s[4])
				if v := full.At(i); v != s[5] && !(e.DType == "float32" && float32(v) == float32(s[5])) {
					t.Errorf("value at TCZYX %v = %v, want %v", s[:5], v, s[5])
				}
			}
			w := e.Window
			sel := Selection{T: Range(w["T"][0], w["T"][1]), C: Range(w["C"][0], w["C"][1]), Z: Range(w["Z"][0], w["Z"][1]),
				Y: Range(w["Y"][0], w["Y"][1]), X: Range(w["X"][0], w["X"][1])}
			win, err := img.Read(sel)
			if err != nil {
				t.Fatal(err)
			}
			if got := sha(win); got != e.WindowSHA256 {
				t.Errorf("window %v differs from the reference", w)
			}
			// Any output order is the transpose of the TCZYX read.
			rev, err := img.Read(Selection{Dims: "XYZCT"})
			if err != nil {
				t.Fatal(err)
			}
			back, err := rev.Transpose("TCZYX")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Data, full.Data) {
				t.Error("XYZCT read is not the transpose of the TCZYX read")
			}
		})
	}
}

func closePS(a, b PhysicalSize) bool {
	near := func(x, y float64) bool { return x == y || (x-y < 1e-9 && y-x < 1e-9) }
	return near(a.X, b.X) && near(a.Y, b.Y) && near(a.Z, b.Z) && a.XUnit == b.XUnit && a.YUnit == b.YUnit && a.ZUnit == b.ZUnit
}
