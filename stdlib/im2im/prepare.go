package im2im

import (
	"context"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/loader"
	"github.com/im2im/im2im/data/transform"
)

// PrepareOptions tunes PrepareStore. The zero value builds the store as
// training does.
type PrepareOptions struct {
	// Compress stores new chunks zstd-compressed (not part of the cache key:
	// training reads them either way).
	Compress bool
	// Collect also deletes this dataset's entries made with another
	// preprocessing chain. Entries of this dataset's modified or deleted files
	// are always removed (by training too); other datasets' entries in the
	// same store are kept.
	Collect bool
	// Progress, if set, is called as subjects are stored (or found stored).
	Progress func(done, total int)
}

// StoreReport says what PrepareStore did.
type StoreReport struct {
	// Store is the store folder (data.store).
	Store string
	// Train and Val count the subjects of each split.
	Train, Val int
	// Built counts the subjects stored now, Reused those found stored.
	Built, Reused int
	// Removed counts the stale entries deleted.
	Removed int
	// Cached names the deterministic steps stored; Random the per-epoch steps.
	Cached, Random []string
}

// PrepareStore validates c and builds the patch store that training with c
// will read: the same folder (data.store), the same subjects and train/val
// split, the same deterministic chain (data.normalize, data.preprocess), so
// that a later Train finds every sample stored. It is what
// `im2im data cache -c CONFIG` runs.
func PrepareStore(ctx context.Context, c Config, o PrepareOptions) (*StoreReport, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	r := c.Resolved()
	p, err := preparePipeline(ctx, r, o)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	rep := &StoreReport{Store: r.Data.Store, Train: len(p.Dataset.Train), Val: len(p.Dataset.Val),
		Built: p.Built, Reused: p.Reused, Removed: p.Removed}
	for _, t := range p.det {
		rep.Cached = append(rep.Cached, t.Name())
	}
	for _, t := range p.Random {
		rep.Random = append(rep.Random, t.Name())
	}
	return rep, nil
}

// pipeline is the prepared input pipeline of a resolved config with its
// chains; Train and PrepareStore both build it with preparePipeline, so the
// store `data cache` builds is the one training reads.
type pipeline struct {
	*loader.Pipeline
	det, val transform.Chain
}

// preparePipeline discovers the data of the resolved config r, checks the first
// subject against the declaration, then checks and stores the rest.
func preparePipeline(ctx context.Context, r Config, o PrepareOptions) (*pipeline, error) {
	d := r.Data
	det, random, valChain, err := modelChains(r)
	if err != nil {
		return nil, err
	}
	spec := dataset.Spec{Path: d.Path, Train: d.Train, Val: d.Val, Category: dataset.Category(d.Category),
		Dims: d.Dims, ValRatio: d.ValRatio, Seed: uint64(r.Trainer.Seed)}
	p, err := loader.Prepare(ctx, loader.PipelineConfig{
		Spec:  spec,
		Chain: append(det[:len(det):len(det)], random...), StoreDir: d.Store, Workers: d.Workers,
		Compress: o.Compress, Collect: o.Collect, Progress: o.Progress,
		// The first subject is compared with the declaration before the store is
		// built, so that a data-vs-model mismatch is reported at once.
		CheckFirst: func(s *array.Sample, sub dataset.Subject) error { return checkData(r, s, sub.Files) },
		// Every stored sample is checked before training, naming the file.
		CheckEach: func(s loader.StoredSample) error { return checkStored(r, s) },
	})
	if err != nil {
		return nil, err
	}
	return &pipeline{Pipeline: p, det: det, val: valChain}, nil
}
