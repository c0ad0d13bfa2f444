package loader

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/data/transform"
)

func TestPrepareTrainsFromTheStore(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "nuclei")
	if _, err := synth.Write(data, synth.Semantic, 5, synth.Options{Shape: []int{6, 32, 32}, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	full := chain(t,
		transform.Spec{Name: "normalize_percentile"},
		transform.Spec{Name: "as_label", Params: map[string]any{"binary": true}},
		transform.Spec{Name: "rand_crop_samples", Params: map[string]any{"size": []any{4, 16, 16}, "num_samples": 2, "pos_fraction": 0.5}},
		transform.Spec{Name: "rand_flip"})
	cfg := PipelineConfig{Spec: dataset.Spec{Path: data, Dims: 3, ValRatio: 0.2, Seed: 1}, Chain: full, StoreDir: filepath.Join(root, "cache")}
	p, err := Prepare(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if p.Built != 5 || p.Train.Len() != 4 || p.Val == nil || p.Val.Len() != 1 || len(p.Random) != 2 {
		t.Fatalf("built %d, train %d, random %d", p.Built, p.Train.Len(), len(p.Random))
	}
	l, err := New(p.Train, Options{BatchSize: 4, Seed: 1, Random: p.Random})
	if err != nil {
		t.Fatal(err)
	}
	bs := collect(t, l, 0)
	if len(bs) != 2 {
		t.Fatalf("%d batches, want 2 (4 samples × 2 patches / 4)", len(bs))
	}
	for _, b := range bs {
		im, gt := b.Arrays["IM"], b.Arrays["GT"]
		if len(im.Shape) != 5 || im.Shape[0] != 4 || im.Shape[2] != 4 || im.Shape[4] != 16 {
			t.Fatalf("batch shape %v", im.Shape)
		}
		for _, v := range gt.Data {
			if v != 0 && v != 1 {
				t.Fatalf("GT value %v after as_label binary", v)
			}
		}
	}
	p.Close()
	// Same data and chain: nothing to build. New preprocessing: rebuilt, and
	// Collect removes the old entries.
	p, err = Prepare(context.Background(), cfg)
	if err != nil || p.Built != 0 {
		t.Fatalf("reopen: built %d, %v", p.Built, err)
	}
	p.Close()
	cfg.Chain = chain(t, transform.Spec{Name: "normalize_zscore"})
	cfg.Collect = true
	p, err = Prepare(context.Background(), cfg)
	if err != nil || p.Built != 5 {
		t.Fatalf("new chain: built %d, %v", p.Built, err)
	}
	defer p.Close()
	inf, _ := p.Store.Info()
	if inf.Complete != 5 {
		t.Errorf("after collect the store holds %d samples, want 5", inf.Complete)
	}
	if _, err := Prepare(context.Background(), PipelineConfig{Spec: dataset.Spec{Path: data, Dims: 2}, StoreDir: filepath.Join(root, "c2")}); err == nil {
		t.Error("3D files accepted as 2D")
	}
}

// Two datasets share one store: preparing one never removes the other's
// entries; a modified file's old entry goes (by default); a chain change keeps
// the old entries unless Collect is set, which removes only this dataset's.
func TestPrepareCollectsOnlyItsOwnStaleEntries(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	for i, d := range []string{a, b} {
		if _, err := synth.Write(d, synth.Denoise, 3, synth.Options{Shape: []int{16, 16}, Seed: uint64(1 + 10*i)}); err != nil {
			t.Fatal(err)
		}
	}
	stDir := filepath.Join(root, "store")
	cfg := func(path string, steps ...transform.Spec) PipelineConfig {
		return PipelineConfig{Spec: dataset.Spec{Path: path, Dims: 2, ValRatio: -1}, Chain: chain(t, steps...), StoreDir: stDir}
	}
	zscore := transform.Spec{Name: "normalize_zscore"}
	minmax := transform.Spec{Name: "normalize_minmax"}
	type counts struct{ built, reused, removed, stored int }
	prepare := func(c PipelineConfig) counts {
		t.Helper()
		p, err := Prepare(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		inf, err := p.Store.Info()
		if err != nil {
			t.Fatal(err)
		}
		return counts{p.Built, p.Reused, p.Removed, inf.Complete}
	}
	modify := func() {
		f := filepath.Join(a, "denoise_000_IM.ome.tiff")
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, append(data, 0), 0o644); err != nil { // one byte longer: a new identity
			t.Fatal(err)
		}
	}
	collect := cfg(a, minmax)
	collect.Collect = true
	keep := cfg(a, zscore)
	keep.KeepStale = true
	for _, tc := range []struct {
		name   string
		before func()
		cfg    PipelineConfig
		want   counts
	}{
		{"a", nil, cfg(a, zscore), counts{3, 0, 0, 3}},
		{"b shares the store", nil, cfg(b, zscore), counts{3, 0, 0, 6}},
		{"a again", nil, cfg(a, zscore), counts{0, 3, 0, 6}},
		{"a after a modified file", modify, cfg(a, zscore), counts{1, 2, 1, 6}},
		{"a with KeepStale after another modification", modify, keep, counts{1, 2, 0, 7}},
		{"a, default again: the old entry goes", nil, cfg(a, zscore), counts{0, 3, 1, 6}},
		{"a with another chain keeps the old chain's entries", nil, cfg(a, minmax), counts{3, 0, 0, 9}},
		{"Collect removes a's zscore entries, not b's", nil, collect, counts{0, 3, 3, 6}},
		{"b untouched", nil, cfg(b, zscore), counts{0, 3, 0, 6}},
	} {
		if tc.before != nil {
			tc.before()
		}
		if got := prepare(tc.cfg); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
