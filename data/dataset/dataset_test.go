package dataset

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/data/synth"
)

// writeImg writes a float32 CZYX/CYX image of the given shape filled with v.
func writeImg(t *testing.T, path string, v float32, shape ...int) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	a := array.New(shape...)
	a.Fill(v)
	dims := map[int]string{3: "CYX", 4: "CZYX", 5: "TCZYX"}[len(shape)]
	img, err := imageio.FromFloat32(a.Data, dims, shape...)
	if err != nil {
		t.Fatal(err)
	}
	if err := imageio.Write(path, img, imageio.WriteMeta{}, imageio.WriteOptions{Compression: "none"}); err != nil {
		t.Fatal(err)
	}
}

func ids(subs []Subject) []string {
	var out []string
	for _, s := range subs {
		out = append(out, s.ID)
	}
	slices.Sort(out)
	return out
}

func TestDiscoverTaggedFolder(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Write(dir, synth.Semantic, 10, synth.Options{Shape: []int{24, 24}, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	// A cost map for every subject, one as .npy: extensions do not matter.
	for i := 0; i < 10; i++ {
		name := filepath.Join(dir, "semantic_00"+string(rune('0'+i))+"_CM.tiff")
		if i == 3 {
			name = strings.Replace(name, ".tiff", ".npy", 1)
		}
		writeImg(t, name, 1, 1, 24, 24)
	}
	d, err := Discover(Spec{Path: dir, Dims: 2, ValRatio: 0.2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Roles, []string{"CM", "GT", "IM"}) || len(d.Train) != 8 || len(d.Val) != 2 {
		t.Fatalf("roles %v, %d train, %d val", d.Roles, len(d.Train), len(d.Val))
	}
	d2, _ := Discover(Spec{Path: dir, Dims: 2, ValRatio: 0.2, Seed: 3})
	d3, _ := Discover(Spec{Path: dir, Dims: 2, ValRatio: 0.2, Seed: 4})
	if !slices.Equal(ids(d.Val), ids(d2.Val)) {
		t.Error("same seed, different split")
	}
	if slices.Equal(ids(d.Val), ids(d3.Val)) && slices.Equal(ids(d.Val), ids(d2.Val)) {
		t.Log("seeds 3 and 4 happen to pick the same validation subjects")
	}
	infos, err := Check(d.All(), d.Category, 2)
	if err != nil || len(infos) != 10 {
		t.Fatalf("Check: %v", err)
	}
	s, err := Load(d.Train[0], 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Arrays["IM"].Shape, []int{1, 24, 24}) || !slices.Equal(s.Keys(), []string{"CM", "GT", "IM"}) {
		t.Errorf("Load: %v %v", s.Keys(), s.Arrays["IM"].Shape)
	}
	// Declared 3D: every file is a single plane.
	_, err = Check(d.All(), d.Category, 3)
	if err == nil || strings.Count(err.Error(), "declared 3D") != 30 {
		t.Errorf("3D check should list all 30 files: %v", err)
	}
}

func TestDiscoverErrorsListEveryProblem(t *testing.T) {
	dir := t.TempDir()
	writeImg(t, filepath.Join(dir, "a_IM.tiff"), 1, 1, 8, 8)
	writeImg(t, filepath.Join(dir, "a_GT.tiff"), 1, 1, 8, 8)
	writeImg(t, filepath.Join(dir, "b_IM.tiff"), 1, 1, 8, 8) // no GT
	writeImg(t, filepath.Join(dir, "c_IM.tiff"), 1, 1, 8, 8)
	writeImg(t, filepath.Join(dir, "c_GT.tiff"), 1, 1, 8, 9) // shape mismatch
	writeImg(t, filepath.Join(dir, "e_IM.tiff"), 1, 1, 3, 8, 8)
	writeImg(t, filepath.Join(dir, "e_GT.tiff"), 1, 1, 3, 8, 8) // 3D in 2D data
	writeImg(t, filepath.Join(dir, "stray_GT.tiff"), 1, 1, 8, 8)
	os.WriteFile(filepath.Join(dir, "d_IM.tiff"), []byte("not a tiff"), 0o644)
	os.WriteFile(filepath.Join(dir, "d_GT.tiff"), []byte("II*\x00garbage"), 0o644)
	d, _, err := Open(Spec{Path: dir, Dims: 2, ValRatio: -1})
	if err == nil || d == nil {
		t.Fatalf("Open: %v", err)
	}
	for _, want := range []string{
		"subject b has no b_GT file",
		"stray_GT.tiff matches no subject",
		"IM " + filepath.Join(dir, "c_IM.tiff") + " is ZYX [1 8 8] but GT " + filepath.Join(dir, "c_GT.tiff") + " is ZYX [1 8 9]",
		"subject d, GT: unreadable", "subject d, IM: unreadable",
		"e_IM.tiff has Z=3 but the data is declared 2D", "e_GT.tiff has Z=3",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "needs GT for every subject") {
		t.Errorf("missing GT reported twice:\n%v", err)
	}
	if len(d.All()) != 5 {
		t.Errorf("partial dataset has %d subjects, want 5 (a b c d e)", len(d.All()))
	}
	empty := t.TempDir()
	if _, err := Discover(Spec{Path: empty}); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("empty folder: %v", err)
	}
	if _, err := Discover(Spec{Path: filepath.Join(empty, "nope")}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing folder: %v", err)
	}
	if _, err := Discover(Spec{Path: dir, Category: "x"}); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("bad category: %v", err)
	}
}

// A time-lapse file (T > 1) is a reported problem naming the file and T, in
// Check (with every other problem) and in Load, whatever the declared dims.
func TestTimeLapseIsAProblem(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dims    int
		imShape []int // TCZYX
		gtShape []int
		want    []string // substrings of the error; none: no error
	}{
		{"single time point 2D", 2, []int{1, 1, 1, 8, 8}, []int{1, 1, 1, 8, 8}, nil},
		{"single time point 3D", 3, []int{1, 1, 4, 8, 8}, []int{1, 1, 4, 8, 8}, nil},
		{"2D time-lapse IM", 2, []int{3, 1, 1, 8, 8}, []int{1, 1, 1, 8, 8}, []string{"a_IM.ome.tiff has T=3"}},
		{"3D time-lapse IM and GT", 3, []int{2, 1, 4, 8, 8}, []int{5, 1, 4, 8, 8},
			[]string{"a_IM.ome.tiff has T=2", "a_GT.ome.tiff has T=5"}},
		{"dims unchecked", 0, []int{2, 1, 1, 8, 8}, []int{1, 1, 1, 8, 8}, []string{"a_IM.ome.tiff has T=2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeImg(t, filepath.Join(dir, "a_IM.ome.tiff"), 1, tc.imShape...)
			writeImg(t, filepath.Join(dir, "a_GT.ome.tiff"), 1, tc.gtShape...)
			// A second, clean subject: its problems would show if misattributed.
			writeImg(t, filepath.Join(dir, "b_IM.ome.tiff"), 1, 1, 1, tc.imShape[2], 8, 8)
			writeImg(t, filepath.Join(dir, "b_GT.ome.tiff"), 1, 1, 1, tc.imShape[2], 8, 8)
			d, _, err := Open(Spec{Path: dir, Dims: tc.dims, ValRatio: -1})
			if d == nil {
				t.Fatalf("Open: %v", err)
			}
			var a Subject
			for _, s := range d.All() {
				if s.ID == "a" {
					a = s
				}
			}
			loadDims := tc.dims
			if loadDims == 0 {
				loadDims = 2
			}
			_, lerr := Load(a, loadDims)
			if len(tc.want) == 0 {
				if err != nil || lerr != nil {
					t.Fatalf("Open: %v; Load: %v", err, lerr)
				}
				return
			}
			if err == nil {
				t.Fatal("Open: no error for a time-lapse file")
			}
			if n := strings.Count(err.Error(), "time points"); n != len(tc.want) {
				t.Errorf("Open reports %d time-lapse problems, want %d:\n%v", n, len(tc.want), err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open error lacks %q:\n%v", w, err)
				}
			}
			if lerr == nil || !strings.Contains(lerr.Error(), "has T=") {
				t.Errorf("Load of a time-lapse subject: %v", lerr)
			}
		})
	}
}

func TestDiscoverSubfoldersAndUnpair(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"x1", "x2", "x3"} {
		writeImg(t, filepath.Join(dir, "IM", n+".tiff"), 1, 1, 4, 8, 8)
		writeImg(t, filepath.Join(dir, "GT", n+".ome.tiff"), 2, 1, 4, 8, 8)
	}
	d, err := Discover(Spec{Path: dir, Dims: 3, ValRatio: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Train) != 3 || d.Train[1].Files["GT"] != filepath.Join(dir, "GT", "x2.ome.tiff") {
		t.Fatalf("subjects %+v", d.Train)
	}
	if _, err := Check(d.All(), Pair, 3); err != nil {
		t.Error(err)
	}
	writeImg(t, filepath.Join(dir, "GT", "x9.tiff"), 2, 1, 4, 8, 8)
	writeImg(t, filepath.Join(dir, "CM", "x1.tiff"), 2, 1, 4, 8, 8)
	_, err = Discover(Spec{Path: dir, ValRatio: -1})
	if err == nil || !strings.Contains(err.Error(), "x9.tiff has no match in IM/") || !strings.Contains(err.Error(), `no file with stem "x2"`) {
		t.Errorf("unmatched: %v", err)
	}
	os.RemoveAll(filepath.Join(dir, "CM"))
	// Unpair: IM/ and GT/ are two domains, independent in names, count and size:
	// one subject per file, each domain split on its own.
	writeImg(t, filepath.Join(dir, "GT", "y7.tiff"), 2, 1, 4, 12, 6)
	u, err := Discover(Spec{Path: dir, Category: Unpair, ValRatio: 0.34, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	count := func(ss []Subject, prefix string) int {
		n := 0
		for _, s := range ss {
			if strings.HasPrefix(s.ID, prefix) && len(s.Files) == 1 {
				n++
			}
		}
		return n
	}
	if a, b := count(u.All(), UnpairedA), count(u.All(), UnpairedB); a != 3 || b != 5 {
		t.Errorf("unpair: %d A and %d B subjects, want 3 and 5", a, b)
	}
	if count(u.Val, UnpairedA) != 1 || count(u.Val, UnpairedB) != 2 {
		t.Errorf("unpair validation %+v: want images of both domains", u.Val)
	}
	if _, err := u.CheckFiles(3); err != nil {
		t.Errorf("unpair domains of different sizes refused: %v", err)
	}
	empty := t.TempDir()
	writeImg(t, filepath.Join(empty, "a_IM.tiff"), 1, 1, 1, 8, 8)
	if _, err := Discover(Spec{Path: empty, Category: Unpair}); err == nil || !strings.Contains(err.Error(), "no domain B images") {
		t.Errorf("unpair without B: %v", err)
	}
}

func TestTrainValFoldersAndCSV(t *testing.T) {
	root := t.TempDir()
	synth.Write(filepath.Join(root, "train"), synth.Denoise, 3, synth.Options{Shape: []int{16, 16}})
	synth.Write(filepath.Join(root, "val"), synth.Denoise, 2, synth.Options{Shape: []int{16, 16}, Seed: 100})
	d, err := Discover(Spec{Train: filepath.Join(root, "train"), Val: filepath.Join(root, "val"), Dims: 2})
	if err != nil || len(d.Train) != 3 || len(d.Val) != 2 {
		t.Fatalf("train/val: %v", err)
	}
	csv := "IM,GT\ntrain/denoise_000_IM.ome.tiff,train/denoise_000_GT.ome.tiff\n" +
		"train/denoise_001_IM.ome.tiff, train/denoise_001_GT.ome.tiff\n"
	os.WriteFile(filepath.Join(root, "list.csv"), []byte(csv), 0o644)
	c, err := Discover(Spec{Path: filepath.Join(root, "list.csv"), ValRatio: -1, Dims: 2})
	if err != nil || len(c.Train) != 2 || c.Train[1].ID != "denoise_001" || c.Train[1].Files["GT"] != filepath.Join(root, "train/denoise_001_GT.ome.tiff") {
		t.Fatalf("csv: %+v %v", c, err)
	}
}

func TestParseCSVErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty CSV"},
		{"IM\na.tif\n", "no GT column"},
		{"IM,GT,IM\n", `column "IM" appears twice`},
		{"IM,GT\na.tif\n", "line 2: 1 fields, header has 2"},
		{"IM,GT\na.tif,\nb.tif,b_gt.tif\nb.tif,c.tif\n", "line 2: empty GT"},
		{"IM,GT\na.tif,\nb.tif,b_gt.tif\nb.tif,c.tif\n", `line 4: subject "b" already on line 3`},
	} {
		_, err := ParseCSV(strings.NewReader(tc.in), "/base")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add("IM,GT\na.tif,b.tif\n")
	f.Add("ID,IM,GT,CM\nx,\"a,b.tif\",c.tif,d.tif\n")
	f.Add("IM,GT\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, in string) {
		subs, err := ParseCSV(strings.NewReader(in), "/b")
		if err != nil {
			return
		}
		for _, s := range subs {
			if s.Files["IM"] == "" || s.Files["GT"] == "" {
				t.Fatalf("subject without IM/GT accepted: %+v", s)
			}
		}
	})
}
