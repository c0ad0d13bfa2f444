package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/im2im/im2im/data/array"
)

// Job is one sample to store: its key and how to produce it (read the files and
// run the deterministic chain).
type Job struct {
	Key  Key
	ID   string
	Load func() (*array.Sample, error)
	// Sources, if set, are the identities of the sample's files, recorded in
	// its metadata (also for samples stored earlier without them) so that
	// CollectStale can tell which entries are of modified or deleted files.
	Sources []FileID
}

// Progress reports build progress: done of total jobs finished (stored or
// already present).
type Progress func(done, total int)

// Build stores every job whose key is not complete yet, producing samples with
// up to workers goroutines. Jobs already complete are skipped (their Sources
// recorded if their metadata lacks them); partial leftovers
// of an interrupted build are replaced. It returns how many samples it built and
// an error listing every failed job (the others are still stored). The data is
// durable when Build returns.
func (s *Store) Build(ctx context.Context, jobs []Job, workers int, progress Progress) (int, error) {
	if s.opts.ReadOnly {
		return 0, fmt.Errorf("store: %s is open read-only", s.dir)
	}
	workers = max(1, workers)
	var todo []Job
	for _, j := range jobs {
		if err := validKey(j.Key); err != nil {
			return 0, fmt.Errorf("store: job %s: %w", j.ID, err)
		}
		ok, err := s.Has(j.Key)
		if err != nil {
			return 0, err
		}
		if !ok {
			todo = append(todo, j)
		} else if len(j.Sources) > 0 {
			if err := s.addSources(j.Key, j.Sources); err != nil {
				return 0, err
			}
		}
	}
	done := len(jobs) - len(todo)
	if progress != nil {
		progress(done, len(jobs))
	}
	var (
		mu    sync.Mutex
		errs  []error
		built int
		wg    sync.WaitGroup
	)
	ch := make(chan Job)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				err := func() error {
					smp, err := j.Load()
					if err != nil {
						return err
					}
					return s.PutSources(j.Key, smp, j.Sources)
				}()
				mu.Lock()
				done++
				if err != nil {
					errs = append(errs, fmt.Errorf("sample %s: %w", j.ID, err))
				} else {
					built++
				}
				if progress != nil {
					progress(done, len(jobs))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, j := range todo {
		select {
		case ch <- j:
		case <-ctx.Done():
			errs = append(errs, ctx.Err())
			break feed
		}
	}
	close(ch)
	wg.Wait()
	if err := s.Flush(); err != nil {
		errs = append(errs, fmt.Errorf("store: flush: %w", err))
	}
	return built, errors.Join(errs...)
}
