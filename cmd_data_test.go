package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	cfg := filepath.Join(dir, "train.yaml")
	os.WriteFile(cfg, []byte(`data:
  category: pair
  data_path: nuclei
  dims: 3
  cache_path: cache
  train_val_ratio: 0.25
  preprocess:
    - func_name: normalize_percentile
      params: {lower: 1, upper: 99.8}
    - name: rand_crop_samples
      params: {size: [4, 16, 16], num_samples: 2}
`), 0o644)
	out, errOut, err := runCLI(t, "data", "cache", "--config", cfg)
	if err != nil || !strings.Contains(out, "4 subjects (3 train, 1 val), 4 built now, 0 already stored") ||
		!strings.Contains(out, "random steps from rand_crop_samples") || !strings.Contains(errOut, "4/4") {
		t.Fatalf("cache: %q %q %v", out, errOut, err)
	}
	out, _, err = runCLI(t, "data", "cache", "--config", cfg)
	if err != nil || !strings.Contains(out, "0 built now, 4 already stored") {
		t.Fatalf("second cache: %q %v", out, err)
	}
	out, _, err = runCLI(t, "data", "info", filepath.Join(dir, "cache"))
	if err != nil || !strings.Contains(out, "samples: 4 complete, 0 incomplete") || !strings.Contains(out, "4 × GT [1 4 24 24]") {
		t.Fatalf("info store: %q %v", out, err)
	}
	// A changed chain misses the cache; --collect drops the old entries.
	out, _, err = runCLI(t, "data", "cache", "--path", data, "--dims", "3", "--store", filepath.Join(dir, "cache"), "--preprocess", "normalize_zscore", "--collect")
	if err != nil || !strings.Contains(out, "4 built now, 0 already stored, 4 stale removed") {
		t.Fatalf("rebuild: %q %v", out, err)
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
	os.WriteFile(cfg, []byte("data:\n  path: .\n  dims: 2\n  preprocess:\n    - name: nope\n"), 0o644)
	_, _, err = runCLI(t, "data", "cache", "--config", cfg)
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), `"nope": unknown`) {
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

// mmv_im2im preprocess entries (func_name: a MONAI dictionary transform) are
// translated with transform.FromMONAI: loading/typing entries are skipped, the
// others become our transforms with the same parameters (so the cache key is
// that of the equivalent im2im-named chain), and untranslatable ones are bad
// input naming the entry.
func TestDataCacheMONAIFuncName(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "d")
	if _, _, err := runCLI(t, "data", "synth", "--kind", "denoise", "--out", data, "--n", "3", "--size", "16,16"); err != nil {
		t.Fatal(err)
	}
	write := func(name, preprocess string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("data:\n  path: d\n  dims: 2\n  cache_path: cache\n  preprocess:\n"+preprocess), 0o644)
		return p
	}
	monai := write("monai.yaml", `    - func_name: LoadImaged
      params: {keys: [IM, GT]}
    - func_name: EnsureChannelFirstd
      params: {keys: [IM, GT]}
    - func_name: ScaleIntensityRangePercentilesd
      params: {keys: [IM], lower: 0.5, upper: 99.5, b_min: 0, b_max: 1, clip: true}
    - func_name: RandSpatialCropSamplesd
      params: {keys: [IM, GT], roi_size: [8, 8], num_samples: 2, random_size: false}
`)
	ours := write("ours.yaml", `    - name: normalize_percentile
      params: {keys: [IM], lower: 0.5, upper: 99.5, b_min: 0, b_max: 1, clip: true}
    - func_name: normalize_zscore
`)
	out, _, err := runCLI(t, "data", "cache", "--config", monai)
	if err != nil || !strings.Contains(out, "caching the 1 deterministic steps; 1 random steps from rand_crop_samples") ||
		!strings.Contains(out, "3 built now, 0 already stored") {
		t.Fatalf("MONAI config: %q %v", out, err)
	}
	// The same percentile normalization under its im2im name hits the cache
	// (an im2im name under func_name is taken as ours).
	out, _, err = runCLI(t, "data", "cache", "--config", ours)
	if err != nil || !strings.Contains(out, "3 built now") {
		t.Fatalf("ours + zscore: %q %v", out, err)
	}
	ours = write("ours2.yaml", `    - name: normalize_percentile
      params: {keys: [IM], lower: 0.5, upper: 99.5, b_min: 0, b_max: 1, clip: true}
`)
	out, _, err = runCLI(t, "data", "cache", "--config", ours)
	if err != nil || !strings.Contains(out, "0 built now, 3 already stored") {
		t.Fatalf("equivalent im2im chain should hit the MONAI-built cache: %q %v", out, err)
	}
	var ee *exitError
	for _, tc := range []struct{ entry, want string }{
		{"    - func_name: RandZoomd\n", `data.preprocess[0]: transform "RandZoomd": no im2im equivalent`},
		{"    - func_name: LoadImaged\n    - func_name: RandFlipd\n      params: {lazy: true}\n", `data.preprocess[1]: rand_flip (from MONAI RandFlipd): transform "rand_flip": unknown parameter "lazy"`},
		{"    - params: {k: 1}\n", "data.preprocess[0]: no name or func_name"},
	} {
		_, _, err := runCLI(t, "data", "cache", "--config", write("bad.yaml", tc.entry))
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want exit 2 with %q", tc.entry, err, tc.want)
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
		{[]string{"data", "info", data, "--category", "unpair", "--dims", "2"}, "dataset " + data + " (unpair): 3 subjects, roles [GT IM]", ""},
		{[]string{"data", "cache", "--path", data, "--dims", "2", "--category", "unpair", "--store", filepath.Join(dir, "st")}, "3 subjects (2 train, 1 val), 3 built now", ""},
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
