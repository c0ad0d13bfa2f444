package loader

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/store"
	"github.com/im2im/im2im/data/transform"
)

// PipelineConfig describes a whole input pipeline: where the data is, the
// transform chain (its deterministic prefix is cached in the store, the rest
// runs every epoch) and where the store lives.
type PipelineConfig struct {
	Spec  dataset.Spec
	Chain transform.Chain
	// StoreDir is the Pebble store folder, shared by train and val (and by runs
	// with the same data and preprocessing).
	StoreDir string
	// Workers build the store in parallel. [2]
	Workers int
	// Compress stores chunks zstd-compressed.
	Compress bool
	// Prepare deletes this dataset's stale store entries: those of its files
	// that were modified or deleted since they were stored (store.CollectStale;
	// other datasets' entries in a shared store are kept). Collect also
	// deletes this dataset's entries made with another chain; KeepStale turns
	// the deletion off.
	Collect, KeepStale bool
	// Progress, if set, reports the store build.
	Progress store.Progress
	// CheckFirst, if set, validates the data against what the caller expects
	// (channels, roles, sizes) before anything is stored. Prepare calls it once,
	// after a discovery without problems and before it checks every file, on
	// the first training subject loaded and run through the deterministic part
	// of Chain: the sample the store would keep. A non-nil result is returned
	// by Prepare as is (not wrapped), so callers can type-assert their own
	// error values. When discovery reports problems, or the first subject
	// cannot be loaded or preprocessed, CheckFirst is not called and Prepare
	// goes on to report those problems itself. sub names the sample's files.
	CheckFirst func(s *array.Sample, sub dataset.Subject) error
	// CheckEach, if set, validates every stored sample (train and val) once
	// the store is built, so that a problem of any subject (labels out of
	// range, an image smaller than the patch) is reported, naming its files,
	// before training starts. Prepare returns every problem at once (joined,
	// the callback's errors unwrapped by errors.As).
	CheckEach func(s StoredSample) error
}

// Pipeline is a prepared dataset: discovered, checked, cached, ready for loaders.
type Pipeline struct {
	Dataset *dataset.Dataset
	Store   *store.Store
	// Train and Val read the cached (deterministically preprocessed) samples.
	Train, Val *StoreSource
	// Random is the part of the chain to run every epoch (Options.Random).
	Random transform.Chain
	// Built counts the samples stored by Prepare (0 when all were cached),
	// Reused those it found already stored, Removed the stale entries it
	// deleted.
	Built, Reused, Removed int
}

// Prepare discovers the data, runs cfg.CheckFirst (if set) on the first
// training subject, checks every file (reporting every problem at once),
// builds the missing store entries and returns sources for train and val.
// Close the pipeline to close the store.
func Prepare(ctx context.Context, cfg PipelineConfig) (*Pipeline, error) {
	if cfg.Spec.Dims != 2 && cfg.Spec.Dims != 3 {
		return nil, fmt.Errorf("loader: pipeline needs dims 2 or 3, got %d", cfg.Spec.Dims)
	}
	if cfg.StoreDir == "" {
		return nil, errors.New("loader: pipeline needs a store folder")
	}
	det, rest := cfg.Chain.Split()
	d, derr := dataset.Discover(cfg.Spec)
	if d == nil {
		return nil, derr
	}
	if derr == nil && cfg.CheckFirst != nil {
		if err := checkFirst(d, cfg.Spec.Dims, det, cfg.CheckFirst); err != nil {
			return nil, err
		}
	}
	if _, cerr := d.CheckFiles(cfg.Spec.Dims); derr != nil || cerr != nil {
		return nil, errors.Join(derr, cerr)
	}
	trainJobs, err := cacheJobs(d.Train, cfg.Spec.Dims, det)
	if err != nil {
		return nil, err
	}
	valJobs, err := cacheJobs(d.Val, cfg.Spec.Dims, det)
	if err != nil {
		return nil, err
	}
	files := append(sourcesOf(trainJobs), sourcesOf(valJobs)...)
	st, err := store.Open(cfg.StoreDir, store.Options{Compress: cfg.Compress})
	if err != nil {
		return nil, err
	}
	p := &Pipeline{Dataset: d, Store: st, Random: rest}
	fail := func(err error) (*Pipeline, error) {
		st.Close()
		return nil, err
	}
	jobs := append(append([]store.Job(nil), trainJobs...), valJobs...)
	if p.Built, err = st.Build(ctx, jobs, max(1, cfg.Workers), cfg.Progress); err != nil {
		return fail(err)
	}
	p.Reused = len(jobs) - p.Built
	if !cfg.KeepStale {
		if p.Removed, err = st.CollectStale(ctx, keysOf(jobs), store.Scope{Files: files, Roots: roots(cfg.Spec), Chains: cfg.Collect}); err != nil {
			return fail(err)
		}
	}
	if cfg.CheckEach != nil {
		if err := checkEach(st, d, trainJobs, valJobs, cfg.CheckEach); err != nil {
			return fail(err)
		}
	}
	if p.Train, err = NewStoreSource(st, keysOf(trainJobs)); err != nil {
		return fail(err)
	}
	if len(valJobs) > 0 {
		if p.Val, err = NewStoreSource(st, keysOf(valJobs)); err != nil {
			return fail(err)
		}
	}
	return p, nil
}

// checkFirst runs check on the first training subject of d, loaded and
// preprocessed by det as the store would keep it. A subject that cannot be
// loaded or preprocessed is not checked (nil): Prepare reports it later.
func checkFirst(d *dataset.Dataset, dims int, det transform.Chain, check func(*array.Sample, dataset.Subject) error) error {
	if len(d.Train) == 0 {
		return nil
	}
	s, err := loadCached(d.Train[0], dims, det)
	if err != nil {
		return nil
	}
	return check(s, d.Train[0])
}

// roots returns the folders of a dataset spec (Path, Train, Val that are
// directories).
func roots(sp dataset.Spec) []string {
	var out []string
	for _, p := range []string{sp.Path, sp.Train, sp.Val} {
		if st, err := os.Stat(p); p != "" && err == nil && st.IsDir() {
			out = append(out, p)
		}
	}
	return out
}

// Close closes the store.
func (p *Pipeline) Close() error { return p.Store.Close() }
