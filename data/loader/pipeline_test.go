package loader

import (
	"context"
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
