package synth

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
)

func TestWriteReadsBack(t *testing.T) {
	for _, tc := range []struct {
		kind  Kind
		shape []int
		dims  string
	}{
		{Instance, []int{32, 40}, "CYX"},
		{Denoise, []int{6, 24, 20}, "CZYX"},
	} {
		dir := t.TempDir()
		paths, err := Write(dir, tc.kind, 2, Options{Shape: tc.shape, Seed: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) != 4 || filepath.Base(paths[1]) != string(tc.kind)+"_000_GT.ome.tiff" {
			t.Fatalf("paths %v", paths)
		}
		for i := 0; i < 2; i++ {
			want, _ := Generate(tc.kind, Options{Shape: tc.shape, Seed: 10 + uint64(i)})
			for j, role := range []string{"IM", "GT"} {
				data, shape, m, err := imageio.ReadFloat32(paths[2*i+j], imageio.Selection{Dims: tc.dims, T: imageio.At(0)})
				if err != nil {
					t.Fatal(err)
				}
				if m.Format != "ome-tiff" {
					t.Errorf("%s: format %s", paths[2*i+j], m.Format)
				}
				w := want.Arrays[role]
				if !slices.Equal(shape, w.Shape) || !slices.Equal(data, w.Data) {
					t.Errorf("%s: read back %v, differs from the generated %v", paths[2*i+j], shape, w.Shape)
				}
				if role == "GT" && tc.kind == Instance && m.DType != imageio.Uint16 {
					t.Errorf("labels written as %v, want uint16", m.DType)
				}
			}
		}
	}
	if _, err := Write(t.TempDir(), "nope", 1, Options{Shape: []int{8, 8}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("bad kind: %v", err)
	}
}
