package loader

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/im2im/im2im/data/array"
)

// SmartCache keeps a fraction of a large source in memory and serves only that
// part; every ReplaceEvery epochs it replaces a fraction of the cached samples
// by samples not seen recently. The cached set of an epoch depends only on the
// seed and the epoch: samples are visited along one seeded cyclic permutation,
// and each round the window of cached samples slides forward by
// Replace × cached, so over the rounds every sample is used.
type SmartCache struct {
	src     Source
	n, k, m int // source size, cached count, replaced per round
	every   int
	perm    []int

	mu    sync.Mutex
	round int
	cache map[int]*array.Sample // source index → sample
}

// NewSmartCache caches ceil(fraction × Len) samples of src (0 < fraction <= 1),
// replacing ceil(replace × cached) of them every `every` epochs (replace in
// (0, 1]; every >= 1; mmv_im2im reloads every 5 epochs).
func NewSmartCache(src Source, fraction, replace float64, every int, seed uint64) (*SmartCache, error) {
	if fraction <= 0 || fraction > 1 {
		return nil, fmt.Errorf("loader: smart cache fraction %v: want (0, 1]", fraction)
	}
	if replace <= 0 || replace > 1 {
		return nil, fmt.Errorf("loader: smart cache replace fraction %v: want (0, 1]", replace)
	}
	if every < 1 {
		return nil, fmt.Errorf("loader: smart cache replaces every %d epochs: want >= 1", every)
	}
	n := src.Len()
	if n == 0 {
		return nil, fmt.Errorf("loader: the source has no samples")
	}
	k := max(1, int(math.Ceil(fraction*float64(n))))
	c := &SmartCache{src: src, n: n, k: k, m: max(1, int(math.Ceil(replace*float64(k)))), every: every, round: -1, cache: map[int]*array.Sample{}}
	c.perm = rand.New(rand.NewPCG(seed, 0xcace)).Perm(n)
	return c, nil
}

// Members returns the source indices cached during epoch.
func (c *SmartCache) Members(epoch int) []int {
	start := (epoch / c.every) * c.m
	out := make([]int, c.k)
	for j := range out {
		out[j] = c.perm[(start+j)%c.n]
	}
	return out
}

// ForEpoch returns the Source to use in epoch: the cached samples only. Samples
// leaving the cache are dropped; new ones are loaded on first use (by the
// loader's workers, in parallel).
func (c *SmartCache) ForEpoch(epoch int) Source {
	members := c.Members(epoch)
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := epoch / c.every; r != c.round {
		keep := map[int]bool{}
		for _, i := range members {
			keep[i] = true
		}
		for i := range c.cache {
			if !keep[i] {
				delete(c.cache, i)
			}
		}
		c.round = r
	}
	return &cachedView{c: c, members: members}
}

// Cached returns how many samples are in memory now.
func (c *SmartCache) Cached() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cache)
}

type cachedView struct {
	c       *SmartCache
	members []int
}

func (v *cachedView) Len() int { return len(v.members) }

func (v *cachedView) Sample(i int) (*array.Sample, error) {
	idx := v.members[i]
	v.c.mu.Lock()
	s, ok := v.c.cache[idx]
	v.c.mu.Unlock()
	if !ok {
		var err error
		if s, err = v.c.src.Sample(idx); err != nil {
			return nil, err
		}
		v.c.mu.Lock()
		v.c.cache[idx] = s
		v.c.mu.Unlock()
	}
	return s.Clone(), nil
}
