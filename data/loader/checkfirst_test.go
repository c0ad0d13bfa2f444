package loader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/data/transform"
)

// mismatch stands for a caller's validation error, which Prepare must hand
// back unwrapped.
type mismatch struct{ id string }

func (m *mismatch) Error() string { return "declaration does not fit " + m.id }

// PipelineConfig.CheckFirst: called once on the first training subject, as
// the store would keep it (deterministic chain applied, random rest not),
// before anything is stored; its error comes back as is. Discovery problems and
// a subject that cannot be loaded or preprocessed skip it, and Prepare reports
// them itself.
func TestPrepareCheckFirst(t *testing.T) {
	cases := []struct {
		name string
		// spoil damages the data folder before Prepare.
		spoil func(t *testing.T, dir string)
		// det is the deterministic part of the chain (normalize_minmax if nil).
		det []transform.Spec
		// fail makes the hook return a *mismatch.
		fail      bool
		wantCalls int
		// wantErr: "" for success, "hook" for the hook's own error, else a
		// substring of Prepare's error.
		wantErr string
	}{
		{name: "hook error returned as is, nothing stored", fail: true, wantCalls: 1, wantErr: "hook"},
		{name: "nil lets Prepare build the store", wantCalls: 1},
		{name: "discovery problem: not called", fail: true, wantErr: "has no semantic_001_GT",
			spoil: func(t *testing.T, dir string) { remove(t, filepath.Join(dir, "semantic_001_GT.ome.tiff")) }},
		{name: "unreadable first subject: not called", fail: true, wantErr: "not a TIFF",
			spoil: func(t *testing.T, dir string) {
				for i := range 4 {
					garble(t, filepath.Join(dir, fmt.Sprintf("semantic_%03d_IM.ome.tiff", i)))
				}
			}},
		{name: "chain fails on the first subject: not called", fail: true, wantErr: "no key",
			det: []transform.Spec{{Name: "normalize_minmax", Params: map[string]any{"keys": []any{"XX"}}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "data")
			if _, err := synth.Write(dir, synth.Semantic, 4, synth.Options{Shape: []int{20, 20}, Seed: 3}); err != nil {
				t.Fatal(err)
			}
			spec := dataset.Spec{Path: dir, Dims: 2, ValRatio: 0.25, Seed: 7}
			d, err := dataset.Discover(spec)
			if err != nil {
				t.Fatal(err)
			}
			if tc.spoil != nil {
				tc.spoil(t, dir)
			}
			det := tc.det
			if det == nil {
				det = []transform.Spec{{Name: "normalize_minmax"}}
			}
			full := chain(t, append(det, transform.Spec{Name: "rand_crop_samples", Params: map[string]any{"size": []any{8, 8}, "num_samples": 2}})...)
			var calls int
			var seen *array.Sample
			want := &mismatch{}
			cfg := PipelineConfig{Spec: spec, Chain: full, StoreDir: filepath.Join(root, "store"),
				CheckFirst: func(s *array.Sample, _ dataset.Subject) error {
					calls++
					seen = s
					if tc.fail {
						want.id = s.ID
						return want
					}
					return nil
				}}
			p, err := Prepare(context.Background(), cfg)
			if p != nil {
				defer p.Close()
			}
			if calls != tc.wantCalls {
				t.Fatalf("CheckFirst called %d times, want %d", calls, tc.wantCalls)
			}
			switch tc.wantErr {
			case "":
				if err != nil {
					t.Fatal(err)
				}
			case "hook":
				if m, ok := err.(*mismatch); !ok || m != want {
					t.Fatalf("Prepare returned %T %v, want the hook's own error value", err, err)
				}
				if _, serr := os.Stat(cfg.StoreDir); !errors.Is(serr, os.ErrNotExist) {
					t.Errorf("store folder made before the check failed: %v", serr)
				}
			default:
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Prepare error %v, want one containing %q", err, tc.wantErr)
				}
				if errors.As(err, new(*mismatch)) {
					t.Fatalf("hook error returned although the hook should not run: %v", err)
				}
			}
			if seen == nil {
				return
			}
			if seen.ID != d.Train[0].ID {
				t.Errorf("checked subject %s, want the first training subject %s", seen.ID, d.Train[0].ID)
			}
			if sp, _ := seen.Spatial(); !slices.Equal(sp, []int{20, 20}) || len(seen.Arrays) != 2 {
				t.Errorf("checked sample has spatial shape %v and roles %v, want the whole 20×20 image with IM and GT", sp, seen.Keys())
			}
			if lo, hi := seen.Arrays["IM"].MinMax(); lo != 0 || hi != 1 {
				t.Errorf("checked IM spans %v..%v, want the normalized 0..1", lo, hi)
			}
		})
	}
}

func remove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func garble(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
}
