package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cockroachdb/pebble/v2"
)

// Scope says which stored samples belong to one dataset, for CollectStale.
type Scope struct {
	// Files are the current identities of the dataset's files.
	Files []FileID
	// Roots are the dataset's folders; a recorded source under one of them
	// that no longer exists is a deleted file of the dataset.
	Roots []string
	// Chains also removes samples of the dataset's current files made with
	// another chain (or dims): entries other runs with other preprocessing of
	// the same files may still want.
	Chains bool
}

// CollectStale deletes the samples not in live that belong to one dataset and
// are out of date: made from a file of the dataset that has since changed
// (its path is in scope.Files with another size or modification time) or
// been deleted (under scope.Roots, gone), or with scope.Chains, made from the
// dataset's current files with another chain. Samples of other datasets, and
// samples whose sources were never recorded (Meta.Sources), are kept:
// several datasets can share one store. Incomplete samples (an interrupted
// build) are judged the same way when their metadata was written. It
// returns how many samples it removed, and compacts when it removed any.
func (s *Store) CollectStale(ctx context.Context, live []Key, scope Scope) (int, error) {
	if s.opts.ReadOnly {
		return 0, fmt.Errorf("store: %s is open read-only", s.dir)
	}
	current := map[string]FileID{}
	for _, f := range scope.Files {
		current[f.Path] = f
	}
	var roots []string
	for _, r := range scope.Roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			return 0, fmt.Errorf("store: %s: %w", r, err)
		}
		roots = append(roots, filepath.Clean(abs)+string(filepath.Separator))
	}
	underRoot := func(p string) bool {
		for _, r := range roots {
			if strings.HasPrefix(p, r) {
				return true
			}
		}
		return false
	}
	stale := func(src []FileID) bool {
		for _, f := range src {
			c, ok := current[f.Path]
			switch {
			case ok && (c.Size != f.Size || c.ModTime != f.ModTime):
				return true // modified
			case ok && scope.Chains:
				return true // the dataset's file, another chain
			case !ok && underRoot(f.Path):
				if _, err := os.Stat(f.Path); errors.Is(err, os.ErrNotExist) {
					return true // deleted
				}
			}
		}
		return false
	}
	return s.removeUnless(ctx, live, func(k Key) (bool, error) {
		m, err := s.rawMeta(k)
		return m != nil && stale(m.Sources), err
	})
}

// rawMeta reads the metadata of k whether or not the sample is complete; nil
// when there is none.
func (s *Store) rawMeta(k Key) (*Meta, error) {
	v, closer, err := s.db.Get(metaKey(k))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: meta of %s…: %w", string(k)[:min(12, len(k))], err)
	}
	defer closer.Close()
	var m Meta
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("store: meta of %s… is corrupt: %w", string(k)[:min(12, len(k))], err)
	}
	return &m, nil
}

// addSources records sources in the metadata of the complete sample k if it
// has none (a sample stored before sources were recorded). One key is
// rewritten, so a kill leaves either the old or the new metadata.
func (s *Store) addSources(k Key, sources []FileID) error {
	m, err := s.rawMeta(k)
	if err != nil || m == nil || len(m.Sources) > 0 {
		return err
	}
	m.Sources = append([]FileID(nil), sources...)
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := s.db.Set(metaKey(k), b, pebble.NoSync); err != nil {
		return fmt.Errorf("store: meta of %s…: %w", string(k)[:12], err)
	}
	s.unflushed.Add(int64(len(b)))
	return nil
}
