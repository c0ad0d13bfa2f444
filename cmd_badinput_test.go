package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// badDataFixture writes, under dir, a good 2D dataset and copies of it each
// broken in one way; it returns the folder of each case by name.
func badDataFixture(t *testing.T, dir string) map[string]string {
	t.Helper()
	good := filepath.Join(dir, "good")
	if _, err := synth.Write(good, synth.Semantic, 3, synth.Options{Shape: []int{24, 24}, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "small")
	if _, err := synth.Write(small, synth.Semantic, 1, synth.Options{Shape: []int{16, 16}, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	im1 := "semantic_001_IM.ome.tiff"
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	corrupt := read(filepath.Join(good, im1))
	for i := 100; i < len(corrupt)-400; i++ { // the compressed pixels, not the IFD at the end
		corrupt[i] = 0x5a
	}
	cases := map[string]map[string][]byte{ // case → file name → new content (nil: delete)
		"text":     {im1: []byte("hello\n")},
		"truncate": {im1: read(filepath.Join(good, im1))[:300]},
		"corrupt":  {im1: corrupt},
		"mismatch": {"semantic_002_GT.ome.tiff": read(filepath.Join(small, "semantic_000_GT.ome.tiff"))},
		"nogt":     {"semantic_001_GT.ome.tiff": nil},
	}
	out := map[string]string{"good": good, "empty": filepath.Join(dir, "empty"), "missing": filepath.Join(dir, "missing")}
	if err := os.Mkdir(out["empty"], 0o755); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(good)
	for name, edits := range cases {
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			b, ok := edits[e.Name()]
			if !ok {
				b = read(filepath.Join(good, e.Name()))
			} else if b == nil {
				continue
			}
			if err := os.WriteFile(filepath.Join(d, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out[name] = d
	}
	return out
}

// TestBadDataExitCodes: every unreadable, damaged, unsupported or mismatched
// input of the data and image commands is bad input (exit 2) with a message
// naming the culprit, as the README promises.
func TestBadDataExitCodes(t *testing.T) {
	dir := t.TempDir()
	ds := badDataFixture(t, dir)
	im1 := func(c string) string { return filepath.Join(ds[c], "semantic_001_IM.ome.tiff") }
	notDir := filepath.Join(dir, "file.txt")
	if err := os.WriteFile(notDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "store")
	cases := []struct {
		name string
		args []string
		want string // the culprit the message names
	}{
		{"info missing", []string{"data", "info", ds["missing"]}, ds["missing"]},
		{"info empty", []string{"data", "info", ds["empty"]}, ds["empty"]},
		{"info not a folder", []string{"data", "info", notDir}, notDir},
		{"info text file", []string{"data", "info", ds["text"], "--dims", "2"}, im1("text")},
		{"info truncated", []string{"data", "info", ds["truncate"], "--dims", "2"}, im1("truncate")},
		{"info mismatch", []string{"data", "info", ds["mismatch"], "--dims", "2"}, "semantic_002_GT.ome.tiff"},
		{"info no GT", []string{"data", "info", ds["nogt"], "--dims", "2"}, "subject semantic_001 has no semantic_001_GT file"},
		{"info 2D as 3D", []string{"data", "info", ds["good"], "--dims", "3"}, "declared 3D"},
		{"cache missing", []string{"data", "cache", "--path", ds["missing"], "--dims", "2", "--store", store}, ds["missing"]},
		{"cache empty", []string{"data", "cache", "--path", ds["empty"], "--dims", "2", "--store", store}, ds["empty"]},
		{"cache text file", []string{"data", "cache", "--path", ds["text"], "--dims", "2", "--store", store}, im1("text")},
		{"cache truncated", []string{"data", "cache", "--path", ds["truncate"], "--dims", "2", "--store", store}, im1("truncate")},
		{"cache corrupt pixels", []string{"data", "cache", "--path", ds["corrupt"], "--dims", "2", "--store", store}, im1("corrupt")},
		{"cache mismatch", []string{"data", "cache", "--path", ds["mismatch"], "--dims", "2", "--store", store}, "semantic_002_GT.ome.tiff"},
		{"cache no GT", []string{"data", "cache", "--path", ds["nogt"], "--dims", "2", "--store", store}, "subject semantic_001 has no semantic_001_GT file"},
		{"cache 2D as 3D", []string{"data", "cache", "--path", ds["good"], "--dims", "3", "--store", store}, "declared 3D"},
		{"synth into a file", []string{"data", "synth", "--kind", "semantic", "--out", filepath.Join(notDir, "x")}, notDir},
		{"convert corrupt pixels", []string{"image", "convert", im1("corrupt"), filepath.Join(dir, "x.tif")}, im1("corrupt")},
		{"convert unknown extension", []string{"image", "convert", im1("good"), filepath.Join(dir, "x.bmp")}, "x.bmp"},
		{"convert into a file", []string{"image", "convert", im1("good"), filepath.Join(notDir, "x.tif")}, notDir},
		{"convert float as raw PNG", []string{"image", "convert", im1("good"), filepath.Join(dir, "x.png"), "--scale", "none"}, im1("good")},
		{"info truncated image", []string{"image", "info", im1("truncate")}, im1("truncate")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			root := newRootCmd()
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs(tc.args)
			err := root.Execute()
			if code := exitCode(err); code != exitBadInput {
				t.Fatalf("im2im %s: exit code %d, want 2 (error %v)", strings.Join(tc.args, " "), code, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("im2im %s: error does not name %q:\n%v", strings.Join(tc.args, " "), tc.want, err)
			}
		})
	}
}
