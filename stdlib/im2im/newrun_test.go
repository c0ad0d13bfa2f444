package im2im

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestNewRunNeverOverwrites creates runs in one root and wants a taken
// trainer.name refused (a *ValidationError: exit 2 in `im2im train`), resume and
// empty directories accepted, and time-named runs given distinct directories.
func TestNewRunNeverOverwrites(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := func(name string, resume bool) Config {
		return Config{Trainer: Trainer{Root: root, Name: name, Resume: resume}}
	}
	for _, tc := range []struct {
		name    string
		cfg     Config
		taken   bool
		wantDir string
	}{
		{"free name", cfg("a", false), false, "a"},
		{"taken name", cfg("a", false), true, ""},
		{"resume of a taken name", cfg("a", true), false, "a"},
		{"empty directory", cfg("empty", false), false, "empty"},
		{"a user's folder", cfg(".", false), true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkRunFree(tc.cfg); (err != nil) != tc.taken {
				t.Errorf("checkRunFree: %v, want taken=%v", err, tc.taken)
			}
			run, err := newRun(tc.cfg)
			var ve *ValidationError
			switch {
			case tc.taken && !errors.As(err, &ve):
				t.Fatalf("got %v, want a ValidationError", err)
			case !tc.taken && err != nil:
				t.Fatal(err)
			case !tc.taken && run.Dir != filepath.Join(root, tc.wantDir):
				t.Errorf("dir %s, want %s", run.Dir, tc.wantDir)
			}
		})
	}
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		run, err := newRun(cfg("", false))
		if err != nil {
			t.Fatal(err)
		}
		if seen[run.Dir] {
			t.Fatalf("time-named run %s given twice", run.Dir)
		}
		seen[run.Dir] = true
	}
}
