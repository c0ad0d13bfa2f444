package dataset

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/imageio"
)

// Load refuses NaN and infinite values, naming the file, the count and the
// first position; its errors are problems of the data.
func TestLoadRefusesNonFinite(t *testing.T) {
	dir := t.TempDir()
	nan, inf := float32(math.NaN()), float32(math.Inf(-1))
	for _, tc := range []struct {
		name string
		dims int
		bad  map[int]float32 // flat index → value
		want string          // "" when Load must succeed
	}{
		{"clean 2D", 2, nil, ""},
		{"NaN 2D", 2, map[int]float32{1*5 + 3: nan}, "has 1 NaN or infinite values (the first at CYX [0 1 3])"},
		{"NaN and -Inf 3D", 3, map[int]float32{2*4*5 + 5: inf, 3*4*5 + 1: nan}, "has 2 NaN or infinite values (the first at CZYX [0 2 1 0])"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shape := map[int][]int{2: {1, 4, 5}, 3: {1, 4, 4, 5}}[tc.dims]
			a := array.New(shape...)
			for i, v := range tc.bad {
				a.Data[i] = v
			}
			im := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+"_IM.tif")
			img, err := imageio.FromFloat32(a.Data, map[int]string{2: "CYX", 3: "CZYX"}[tc.dims], shape...)
			if err != nil {
				t.Fatal(err)
			}
			if err := imageio.Write(im, img, imageio.WriteMeta{}, imageio.WriteOptions{Compression: "none"}); err != nil {
				t.Fatal(err)
			}
			_, err = Load(Subject{ID: "s", Files: map[string]string{"IM": im}}, tc.dims)
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want == "":
			case err == nil:
				t.Fatalf("loaded %v", tc.bad)
			case !strings.Contains(err.Error(), im+" "+tc.want) || !IsProblem(err):
				t.Errorf("error %v (problem %v), want %q", err, IsProblem(err), tc.want)
			}
		})
	}
}

// Discover, Check and Load mark their errors as problems of the data.
func TestErrorsAreProblems(t *testing.T) {
	dir := t.TempDir()
	writeImg(t, filepath.Join(dir, "a_IM.tif"), 1, 1, 8, 8)
	writeImg(t, filepath.Join(dir, "a_GT.tif"), 1, 1, 6, 8)
	_, derr := Discover(Spec{Path: filepath.Join(dir, "missing")})
	_, _, oerr := Open(Spec{Path: dir, Dims: 2})
	_, lerr := Load(Subject{ID: "x", Files: map[string]string{"IM": filepath.Join(dir, "nope.tif")}}, 2)
	for name, err := range map[string]error{"discover": derr, "open": oerr, "load": lerr} {
		if err == nil || !IsProblem(err) {
			t.Errorf("%s: %v is not a problem of the data", name, err)
		}
	}
	if IsProblem(nil) || problem(nil) != nil {
		t.Error("nil is a problem")
	}
}
