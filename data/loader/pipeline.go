package loader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"

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

// Prepare discovers and checks the data (reporting every problem at once),
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
	d, _, err := dataset.Open(cfg.Spec)
	if err != nil {
		return nil, err
	}
	trainJobs, err := dataset.CacheJobs(d.Train, cfg.Spec.Dims, det)
	if err != nil {
		return nil, err
	}
	valJobs, err := dataset.CacheJobs(d.Val, cfg.Spec.Dims, det)
	if err != nil {
		return nil, err
	}
	files, err := withSources(trainJobs, d.Train)
	if err != nil {
		return nil, err
	}
	valFiles, err := withSources(valJobs, d.Val)
	if err != nil {
		return nil, err
	}
	files = append(files, valFiles...)
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

func keysOf(js []store.Job) []store.Key {
	out := make([]store.Key, len(js))
	for i, j := range js {
		out[i] = j.Key
	}
	return out
}

// withSources sets the Sources of each job (one per subject, in order: see
// dataset.CacheJobs) to the identities of its subject's files, sorted by
// path, and returns them all.
func withSources(jobs []store.Job, subjects []dataset.Subject) ([]store.FileID, error) {
	if len(jobs) != len(subjects) {
		return nil, fmt.Errorf("loader: %d store jobs for %d subjects", len(jobs), len(subjects))
	}
	var all []store.FileID
	for i, s := range subjects {
		var ids []store.FileID
		for role, path := range s.Files {
			id, err := store.Identify(path)
			if err != nil {
				return nil, fmt.Errorf("loader: subject %s, %s: %w", s.ID, role, err)
			}
			ids = append(ids, id)
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a].Path < ids[b].Path })
		jobs[i].Sources = ids
		all = append(all, ids...)
	}
	return all, nil
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
