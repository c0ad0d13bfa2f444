package loader

import (
	"fmt"
	"sort"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/store"
	"github.com/im2im/im2im/data/transform"
)

// cacheJobs returns one store job per subject, in order. Each subject's files
// are stat'ed once: the key hashes their identities (path, size, mtime), the
// deterministic chain det and dims, and Sources lists the same identities
// sorted by path (for store.CollectStale). The job's Load is loadCached.
func cacheJobs(subjects []dataset.Subject, dims int, det transform.Chain) ([]store.Job, error) {
	for _, t := range det {
		if t.Random() {
			return nil, fmt.Errorf("loader: %s is random and cannot be cached; cache only the deterministic prefix (Chain.Split)", t.Name())
		}
	}
	fp := det.Fingerprint()
	jobs := make([]store.Job, 0, len(subjects))
	for _, s := range subjects {
		ids := make(map[string]store.FileID, len(s.Files))
		sources := make([]store.FileID, 0, len(s.Files))
		for role, path := range s.Files {
			id, err := store.Identify(path)
			if err != nil {
				return nil, fmt.Errorf("loader: subject %s, %s: %w", s.ID, role, err)
			}
			ids[role] = id
			sources = append(sources, id)
		}
		sort.Slice(sources, func(a, b int) bool { return sources[a].Path < sources[b].Path })
		jobs = append(jobs, store.Job{
			Key:     store.SampleKey(ids, fp, fmt.Sprintf("dims=%d", dims)),
			ID:      s.ID,
			Load:    func() (*array.Sample, error) { return loadCached(s, dims, det) },
			Sources: sources,
		})
	}
	return jobs, nil
}

// loadCached loads subject s and runs the deterministic chain det on it: the
// sample the store keeps. det must make exactly one sample.
func loadCached(s dataset.Subject, dims int, det transform.Chain) (*array.Sample, error) {
	smp, err := dataset.Load(s, dims)
	if err != nil {
		return nil, err
	}
	out, err := det.Apply(smp, nil)
	if err != nil {
		return nil, err
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("loader: the cached chain made %d samples of %s, want 1", len(out), s.ID)
	}
	return out[0], nil
}

// sourcesOf returns the Sources of all jobs, in order.
func sourcesOf(jobs []store.Job) []store.FileID {
	var out []store.FileID
	for _, j := range jobs {
		out = append(out, j.Sources...)
	}
	return out
}

// keysOf returns the keys of jobs, in order.
func keysOf(js []store.Job) []store.Key {
	out := make([]store.Key, len(js))
	for i, j := range js {
		out[i] = j.Key
	}
	return out
}
