package loader

import (
	"fmt"
	"sync"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/store"
)

// Source gives preprocessed samples by index, 0..Len()-1. Sample must be safe for
// concurrent calls and must return a sample the caller may modify (a fresh one
// or a clone).
type Source interface {
	Len() int
	Sample(i int) (*array.Sample, error)
}

// RegionSource is a Source that can also read a spatial box of a sample without
// loading all of it, and report a sample's shape and foreground coordinates.
type RegionSource interface {
	Source
	// Spatial returns the spatial shape of sample i and up to a few thousand
	// foreground coordinates (may be nil).
	Spatial(i int) (shape []int, foreground [][]int, err error)
	// Region reads the box [start, start+size) of every array of sample i.
	Region(i int, start, size []int) (*array.Sample, error)
}

// Samples is an in-memory Source; Sample returns clones.
type Samples []*array.Sample

// Len implements Source.
func (s Samples) Len() int { return len(s) }

// Sample implements Source.
func (s Samples) Sample(i int) (*array.Sample, error) {
	if i < 0 || i >= len(s) {
		return nil, fmt.Errorf("loader: sample %d of %d", i, len(s))
	}
	return s[i].Clone(), nil
}

// Func is a Source computed on demand (e.g. synthetic data from a seed).
type Func struct {
	N  int
	Fn func(i int) (*array.Sample, error)
}

// Len implements Source.
func (f Func) Len() int { return f.N }

// Sample implements Source.
func (f Func) Sample(i int) (*array.Sample, error) { return f.Fn(i) }

// StoreSource reads samples from a patch store by key. It implements
// RegionSource; sample metadata is cached after first use.
type StoreSource struct {
	Store *store.Store
	Keys  []store.Key
	metas []*store.Meta
	fg    []fgOnce
}

// fgOnce loads one sample's foreground coordinates on first use.
type fgOnce struct {
	once   sync.Once
	coords [][]int
	err    error
}

// NewStoreSource checks that every key is stored completely and loads the
// metadata, reporting all missing keys at once.
func NewStoreSource(s *store.Store, keys []store.Key) (*StoreSource, error) {
	src := &StoreSource{Store: s, Keys: keys, metas: make([]*store.Meta, len(keys)), fg: make([]fgOnce, len(keys))}
	var missing []string
	for i, k := range keys {
		m, err := s.Meta(k)
		if err != nil {
			missing = append(missing, fmt.Sprintf("[%d] %v", i, err))
			continue
		}
		src.metas[i] = m
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("loader: %d of %d samples not in the store (run `im2im data cache` or Build first): %v", len(missing), len(keys), missing)
	}
	return src, nil
}

// Len implements Source.
func (s *StoreSource) Len() int { return len(s.Keys) }

// Sample implements Source.
func (s *StoreSource) Sample(i int) (*array.Sample, error) { return s.Store.Get(s.Keys[i]) }

// Spatial implements RegionSource.
func (s *StoreSource) Spatial(i int) ([]int, [][]int, error) {
	f := &s.fg[i]
	f.once.Do(func() { f.coords, f.err = s.Store.Foreground(s.Keys[i]) })
	return s.metas[i].Spatial(), f.coords, f.err
}

// Region implements RegionSource.
func (s *StoreSource) Region(i int, start, size []int) (*array.Sample, error) {
	return s.Store.RegionWithMeta(s.Keys[i], s.metas[i], start, size)
}

// Subset returns a source of the samples at idx (in that order), sharing the
// store and the cached metadata: unpaired data's domains, each loaded apart.
func (s *StoreSource) Subset(idx []int) *StoreSource {
	out := &StoreSource{Store: s.Store, fg: make([]fgOnce, len(idx))}
	for _, i := range idx {
		out.Keys = append(out.Keys, s.Keys[i])
		out.metas = append(out.metas, s.metas[i])
	}
	return out
}
