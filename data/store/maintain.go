package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// scanKeys calls f with the key suffix (after prefix) and value of every key
// under prefix.
func (s *Store) scanKeys(prefix string, f func(suffix string, value []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefix), UpperBound: []byte(prefix[:len(prefix)-1] + "0")})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return err
		}
		if err := f(string(bytes.TrimPrefix(it.Key(), []byte(prefix))), v); err != nil {
			it.Close()
			return err
		}
	}
	return it.Close()
}

// Keys returns the keys of complete samples and of incomplete ones (data or meta
// written, no completion marker: an interrupted build).
func (s *Store) Keys() (complete, incomplete []Key, err error) {
	done := map[Key]bool{}
	if err := s.scanKeys(donePrefix, func(k string, _ []byte) error { done[Key(k)] = true; complete = append(complete, Key(k)); return nil }); err != nil {
		return nil, nil, err
	}
	seen := map[Key]bool{}
	add := func(k Key) {
		if !done[k] && !seen[k] {
			seen[k] = true
			incomplete = append(incomplete, k)
		}
	}
	if err := s.scanKeys(metaPrefix, func(k string, _ []byte) error { add(Key(k)); return nil }); err != nil {
		return nil, nil, err
	}
	// Chunks of a sample whose meta was never written: walk data/ by skipping
	// from one sample's range to the next instead of reading every chunk.
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte(dataPrefix), UpperBound: []byte("data0")})
	if err != nil {
		return nil, nil, err
	}
	for valid := it.First(); valid; {
		rest := it.Key()[len(dataPrefix):]
		if len(rest) < 64 {
			break
		}
		k := Key(rest[:64])
		add(k)
		_, end := dataRange(k)
		valid = it.SeekGE(end)
	}
	return complete, incomplete, it.Close()
}

// Collect deletes every sample whose key is not in live, including incomplete
// leftovers and other datasets' samples in a shared store, then compacts so
// the space is returned. It returns how many samples it removed. To remove
// only one dataset's out-of-date samples, use CollectStale.
func (s *Store) Collect(ctx context.Context, live []Key) (int, error) {
	return s.removeUnless(ctx, live, func(Key) (bool, error) { return true, nil })
}

// removeUnless deletes every sample (complete or not) that is not in live and that drop
// selects, then compacts so the space is returned; it returns how many it removed.
func (s *Store) removeUnless(ctx context.Context, live []Key, drop func(Key) (bool, error)) (int, error) {
	keep := map[Key]bool{}
	for _, k := range live {
		keep[k] = true
	}
	complete, incomplete, err := s.Keys()
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, k := range append(complete, incomplete...) {
		if keep[k] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		if d, err := drop(k); err != nil {
			return removed, err
		} else if !d {
			continue
		}
		if err := s.Delete(k); err != nil {
			return removed, err
		}
		removed++
	}
	if removed > 0 {
		if err := s.Flush(); err != nil {
			return removed, err
		}
		if err := s.db.Compact(ctx, []byte("d"), []byte("n"), true); err != nil {
			return removed, fmt.Errorf("store: compact: %w", err)
		}
	}
	return removed, nil
}

// Info summarizes a store for `im2im data info`.
type Info struct {
	Dir        string
	Complete   int
	Incomplete int
	ValueBytes int64  // bytes of stored chunk values (after compression)
	DiskBytes  uint64 // bytes Pebble uses on disk
	Samples    []SampleInfo
}

// SampleInfo is one complete sample in Info.
type SampleInfo struct {
	Key  Key
	Meta Meta
}

// Info lists the store's content.
func (s *Store) Info() (*Info, error) {
	complete, incomplete, err := s.Keys()
	if err != nil {
		return nil, err
	}
	inf := &Info{Dir: s.dir, Complete: len(complete), Incomplete: len(incomplete), DiskBytes: s.db.Metrics().DiskSpaceUsage()}
	for _, k := range complete {
		v, closer, err := s.db.Get(metaKey(k))
		if err != nil {
			return nil, fmt.Errorf("store: meta of complete sample %s…: %w", string(k)[:12], err)
		}
		var m Meta
		err = json.Unmarshal(v, &m)
		closer.Close()
		if err != nil {
			return nil, fmt.Errorf("store: meta of %s… is corrupt: %w", string(k)[:12], err)
		}
		inf.ValueBytes += m.Bytes
		inf.Samples = append(inf.Samples, SampleInfo{Key: k, Meta: m})
	}
	return inf, nil
}
