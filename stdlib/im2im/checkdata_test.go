package im2im

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/data/synth"
)

// copyDir copies the files of src into a new temporary folder.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// Every subject is checked before training, whichever is first, in training or
// validation: labels beyond the class count (listed), images smaller than
// the patch, both naming the file.
func TestEverySubjectChecked(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4) // 48×48, labels 0/1
	small := t.TempDir()
	if _, err := synth.Write(small, synth.Semantic, 1, synth.Options{Shape: []int{16, 24}, MinRadius: 2, MaxRadius: 4, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	type breakFn func(t *testing.T, dir, id string) string // breaks subject id, returns the culprit file
	labels := func(vals ...uint16) breakFn {
		return func(t *testing.T, dir, id string) string {
			p := filepath.Join(dir, id+"_GT.ome.tiff")
			a, _, err := imageio.ReadFile(p, imageio.Selection{Dims: "YX"})
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				a.Data.([]uint16)[7*i] = v
			}
			if err := imageio.Write(p, a, imageio.WriteMeta{}, imageio.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	smaller := func(t *testing.T, dir, id string) string {
		for _, r := range []string{"IM", "GT"} {
			b, err := os.ReadFile(filepath.Join(small, "semantic_000_"+r+".ome.tiff"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, id+"_"+r+".ome.tiff"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return filepath.Join(dir, id+"_IM.ome.tiff")
	}
	for _, tc := range []struct {
		name    string
		subject int
		brk     breakFn
		want    string // after the culprit's name
	}{
		{"labels 5 and 7", 3, labels(5, 7, 5), "has labels 5, 7"},
		{"label 2", 0, labels(2), "has labels 2"},
		{"label 3", 1, labels(3), "has labels 3"},
		{"label 9", 2, labels(9), "has labels 9"},
		{"smaller than the patch", 2, smaller, "([16 24])"},
		{"smaller than the patch", 1, smaller, "([16 24])"},
	} {
		t.Run(fmt.Sprintf("%s in subject %d", tc.name, tc.subject), func(t *testing.T) {
			dir := copyDir(t, data)
			culprit := tc.brk(t, dir, fmt.Sprintf("semantic_%03d", tc.subject))
			c := tinySeg(dir, t.TempDir())
			_, err := PrepareStore(context.Background(), c, PrepareOptions{})
			var ve *ValidationError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), culprit+" "+tc.want) {
				t.Fatalf("error %v, want a *ValidationError naming %s %s", err, culprit, tc.want)
			}
		})
	}
}

// A 3D preset on 2D images is explained once, naming the 2D preset of the
// same kind and the file, not as a patch larger than the image on every axis.
func TestPreset3DOn2DData(t *testing.T) {
	data := synthDir(t, synth.Semantic, 2)
	for _, tc := range []struct {
		preset string
		want   []string
	}{
		{"semanticseg_3d", []string{"data.dims: the config is 3D (patch 32×128×128) but the data is 2D (" + filepath.Join(data, "semantic_00"),
			"_IM.ome.tiff is a single plane of 48×48): use a 2D preset (semanticseg_2d), or set data.dims 2, a 2D data.patch.size and model.net.dims 2"}},
		{"pix2pix_3d", []string{"data.dims: the config is 3D (patch 16×64×64)", "use a 2D preset (pix2pix_2d), or set data.dims 2, a 2D data.patch.size and model.generator.dims 2"}},
	} {
		t.Run(tc.preset, func(t *testing.T) {
			c, err := Preset(tc.preset)
			if err != nil {
				t.Fatal(err)
			}
			c.Data.Path, c.Trainer.Root = data, t.TempDir()
			_, err = PrepareStore(context.Background(), c, PrepareOptions{})
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 {
				t.Fatalf("error %v, want one problem", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
