package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/store"
)

// runCLI runs a fresh data command (args after "data") and returns stdout,
// stderr and the error.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	c := newDataCmd()
	c.SetOut(&out)
	c.SetErr(&errb)
	c.SetArgs(args[1:])
	c.SilenceUsage, c.SilenceErrors = true, true
	err := c.Execute()
	return out.String(), errb.String(), err
}

func TestDataSynthCacheInfo(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "nuclei")
	out, _, err := runCLI(t, "data", "synth", "--kind", "semantic", "--out", data, "--n", "4", "--size", "4,24,24", "--seed", "3")
	if err != nil || !strings.Contains(out, "wrote 4 pairs (8 files) of semantic [4 24 24]") {
		t.Fatalf("synth: %q %v", out, err)
	}
	out, _, err = runCLI(t, "data", "info", data, "--dims", "3")
	if err != nil || !strings.Contains(out, "4 subjects, roles [GT IM]") || !strings.Contains(out, "4 × GT TCZYX [1 1 4 24 24] uint16") {
		t.Fatalf("info dataset: %q %v", out, err)
	}
	// The ad-hoc mode (no config): a chain of named transforms.
	out, errOut, err := runCLI(t, "data", "cache", "--path", data, "--dims", "3", "--store", filepath.Join(dir, "cache"), "--preprocess", "normalize_zscore,rand_flip")
	if err != nil || !strings.Contains(out, "4 subjects (3 train, 1 val), 4 built now, 0 already stored") ||
		!strings.Contains(out, "random steps from rand_flip") || !strings.Contains(errOut, "4/4") {
		t.Fatalf("cache: %q %q %v", out, errOut, err)
	}
	out, _, err = runCLI(t, "data", "cache", "--path", data, "--dims", "3", "--store", filepath.Join(dir, "cache"), "--preprocess", "normalize_zscore")
	if err != nil || !strings.Contains(out, "0 built now, 4 already stored") {
		t.Fatalf("second cache: %q %v", out, err)
	}
	out, _, err = runCLI(t, "data", "info", filepath.Join(dir, "cache"))
	if err != nil || !strings.Contains(out, "samples: 4 complete, 0 incomplete") || !strings.Contains(out, "4 × GT [1 4 24 24]") {
		t.Fatalf("info store: %q %v", out, err)
	}
	// A changed chain misses the cache; --collect drops this dataset's entries
	// of the old chain.
	out, _, err = runCLI(t, "data", "cache", "--path", data, "--dims", "3", "--store", filepath.Join(dir, "cache"), "--preprocess", "normalize_minmax", "--collect")
	if err != nil || !strings.Contains(out, "4 built now, 0 already stored, 4 stale removed") {
		t.Fatalf("rebuild: %q %v", out, err)
	}
}

// storeKeys lists the complete keys of a store, sorted.
func storeKeys(t *testing.T, dir string) []string {
	t.Helper()
	st, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	complete, incomplete, err := st.Keys()
	if err != nil || len(incomplete) > 0 {
		t.Fatalf("store %s: %d incomplete, %v", dir, len(incomplete), err)
	}
	var out []string
	for _, k := range complete {
		out = append(out, string(k))
	}
	sort.Strings(out)
	return out
}

// data cache -c reads the training config (file or preset, with train's
// dotted overrides) and builds exactly the store training reads: training
// afterwards stores nothing new, and caching again after training finds every
// subject stored.
func TestDataCacheTrainingConfig(t *testing.T) {
	dir := t.TempDir()
	stDir := filepath.Join(dir, "runs", ".store")
	data, cfg := segFixture(t, dir, `  patch: {size: [32, 32], per_image: 2}
  normalize: {name: normalize_zscore}
  preprocess: [{name: gaussian_blur, params: {sigma: 0.5}}]
  augment: [{name: rand_flip, params: {prob: 0.5}}]
  val_ratio: 0.25
`, "epochs: 1, batch_size: 2, lr: 0.01, name: r, backend: im2im-fast, quiet: true")
	out, errOut, err := runCLI(t, "data", "cache", "-c", cfg, "--trainer.seed=5")
	if err != nil || !strings.Contains(out, "store "+stDir+": 4 subjects (3 train, 1 val), 4 built now, 0 already stored") ||
		!strings.Contains(out, "caching 2 deterministic steps [normalize_zscore gaussian_blur]; 2 random steps [rand_crop_samples rand_flip]") ||
		!strings.Contains(errOut, "4/4") {
		t.Fatalf("data cache -c: %q %q %v", out, errOut, err)
	}
	before := storeKeys(t, stDir)
	if len(before) != 4 {
		t.Fatalf("store holds %d samples, want 4", len(before))
	}
	if out, err := runCmd(t, newTrainCmd(), "-c", cfg, "--trainer.seed=5"); err != nil || !strings.Contains(out, ": 1 epochs, 3 steps on im2im-fast") {
		t.Fatalf("train: %v\n%s", err, out)
	}
	// Training built nothing: any sample it keyed differently would be a new entry.
	if after := storeKeys(t, stDir); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("training changed the store:\nbefore %v\nafter  %v", before, after)
	}
	out, _, err = runCLI(t, "data", "cache", "--config", cfg, "--trainer.seed=5")
	if err != nil || !strings.Contains(out, "0 built now, 4 already stored, 0 stale removed") {
		t.Fatalf("data cache after train: %q %v", out, err)
	}
	// Another split (seed) keys the same subjects the same way: the store is per
	// subject, not per split.
	out, _, err = runCLI(t, "data", "cache", "-c", cfg, "--trainer.seed=9", "--workers", "1")
	if err != nil || !strings.Contains(out, "0 built now, 4 already stored") {
		t.Fatalf("other seed: %q %v", out, err)
	}
	// Bad input: every problem is exit 2 naming the culprit.
	var ee *exitError
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-c", cfg, "--data.patch.per_imag=3"}, `data.patch.per_imag: unknown key; did you mean "per_image"?`},
		{[]string{"-c", cfg, "--data.path=" + filepath.Join(dir, "none")}, "data.path: " + filepath.Join(dir, "none") + " does not exist"},
		{[]string{"-c", cfg, "--path", data}, "--path does not go with -c"},
		{[]string{"--path", data, "--dims", "2", "--data.store=x"}, "dotted overrides need -c"},
		{[]string{"-c", cfg, "--workers", "0"}, "--workers 0"},
		{[]string{"-c", cfg, "--zstd=maybe"}, "--zstd=maybe"},
		{[]string{"-c", "semanticseg_2"}, `did you mean "semanticseg_2d"?`},
		{[]string{}, "give -c CONFIG"},
	} {
		_, _, err := runCLI(t, append([]string{"data", "cache"}, tc.args...)...)
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want exit 2 with %q", tc.args, err, tc.want)
		}
	}
	// The former mini-schema is not a training config; with data.data_path it
	// reads as an mmv_im2im config, whose converter names the key it lacks.
	old := filepath.Join(dir, "old.yaml")
	os.WriteFile(old, []byte("data:\n  data_path: "+data+"\n  dims: 2\n  cache_path: c\n"), 0o644)
	_, _, err = runCLI(t, "data", "cache", "-c", old)
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "data.dims: unknown mmv_im2im data key") {
		t.Errorf("old schema: %v", err)
	}
}

func TestDataCommandErrors(t *testing.T) {
	var ee *exitError
	_, _, err := runCLI(t, "data", "synth", "--kind", "bogus", "--out", t.TempDir())
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("bad kind: %v", err)
	}
	_, _, err = runCLI(t, "data", "synth", "--kind", "denoise", "--out", t.TempDir(), "--size", "64,x")
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "--size") {
		t.Errorf("bad size: %v", err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("data:\n  path: "+dir+"\n  preprocess:\n    - name: nope\n"), 0o644)
	_, _, err = runCLI(t, "data", "cache", "--config", cfg)
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), `data.preprocess[0]: transform "nope": unknown`) {
		t.Errorf("bad transform: %v", err)
	}
	_, _, err = runCLI(t, "data", "cache", "--path", dir)
	if err == nil || !strings.Contains(err.Error(), "dims must be 2 or 3") {
		t.Errorf("no dims: %v", err)
	}
	// Nothing to describe: no summary line on stdout, an error naming the path.
	empty := t.TempDir()
	noIM := t.TempDir()
	os.WriteFile(filepath.Join(noIM, "a_GT.tiff"), []byte("x"), 0o644)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing"), filepath.Join(dir, "missing") + ": no such file or directory"},
		{empty, empty + " is empty"},
		{noIM, noIM + " has 1 image files but none named X_IM"},
	} {
		out, _, err := runCLI(t, "data", "info", tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || out != "" {
			t.Errorf("info %s: stdout %q, err %v; want no output and %q", tc.path, out, err, tc.want)
		}
	}
}

// Every bad flag of data synth is exit 2 (bad input), naming the flag, and
// writes nothing.
func TestDataSynthBadFlagsExit2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "bogus"}, `"bogus"`},
		{[]string{"--kind", "denoise", "--size", "64,x"}, "--size"},
		{[]string{"--kind", "denoise", "--size", "64"}, "--size 64: synth: Shape must be [Y X] or [Z Y X]"},
		{[]string{"--kind", "denoise", "--size", "2,64"}, "--size 2,64: synth: Shape [2 64]: each extent must be in [4, 16384]"},
		{[]string{"--kind", "semantic", "--n", "0"}, "--n 0: want at least 1"},
		{[]string{"--kind", "semantic", "--n", "-3"}, "--n -3"},
	} {
		out := filepath.Join(t.TempDir(), "o")
		_, _, err := runCLI(t, append([]string{"data", "synth", "--out", out}, tc.args...)...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want exit 2 with %q", tc.args, err, tc.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Errorf("%v: wrote %s", tc.args, out)
		}
	}
	_, _, err := runCLI(t, "data", "synth", "--kind", "semantic")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "--out") {
		t.Errorf("no --out: %v", err)
	}
}

// --category reaches discovery in data info and data cache --path: unpair IM
// and GT sets need not match by name (GT files are shuffled onto the IM
// subjects), which pair data reports as problems; bad values are exit 2.
func TestDataCategoryFlag(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if _, _, err := runCLI(t, "data", "synth", "--kind", "denoise", "--out", src, "--n", "3", "--size", "16,16"); err != nil {
		t.Fatal(err)
	}
	// IM/ and GT/ folders whose file names do not match.
	data := filepath.Join(dir, "unpaired")
	for _, sub := range []string{"IM", "GT"} {
		os.MkdirAll(filepath.Join(data, sub), 0o755)
	}
	for i, n := range []string{"0", "1", "2"} {
		b, _ := os.ReadFile(filepath.Join(src, "denoise_00"+n+"_IM.ome.tiff"))
		os.WriteFile(filepath.Join(data, "IM", "im"+n+".ome.tiff"), b, 0o644)
		if i < 2 {
			b, _ = os.ReadFile(filepath.Join(src, "denoise_00"+n+"_GT.ome.tiff"))
			os.WriteFile(filepath.Join(data, "GT", "gt"+n+".ome.tiff"), b, 0o644)
		}
	}
	for _, tc := range []struct {
		args    []string
		wantOut string
		wantErr string // "" for success
	}{
		{[]string{"data", "info", data}, "dataset " + data + " (pair)", "has no match in IM/"},
		{[]string{"data", "info", data, "--category", "unpair", "--dims", "2"}, "dataset " + data + " (unpair): 5 subjects, roles [GT IM]", ""},                                 // 3 of domain A, 2 of B
		{[]string{"data", "cache", "--path", data, "--dims", "2", "--category", "unpair", "--store", filepath.Join(dir, "st")}, "5 subjects (3 train, 2 val), 5 built now", ""}, // each domain split on its own
		{[]string{"data", "cache", "--path", data, "--dims", "2", "--store", filepath.Join(dir, "st2")}, "", "has no match in IM/"},
	} {
		out, _, err := runCLI(t, tc.args...)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%v: %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.wantErr)
		}
		if !strings.Contains(out, tc.wantOut) {
			t.Errorf("%v: stdout %q lacks %q", tc.args, out, tc.wantOut)
		}
	}
	var ee *exitError
	for _, cmd := range []string{"info", "cache"} {
		_, _, err := runCLI(t, "data", cmd, "--path", data, "--dims", "2", "--category", "cyclegan")
		if cmd == "info" {
			_, _, err = runCLI(t, "data", "info", data, "--category", "cyclegan")
		}
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), `--category "cyclegan"`) {
			t.Errorf("data %s --category cyclegan: %v", cmd, err)
		}
	}
}
