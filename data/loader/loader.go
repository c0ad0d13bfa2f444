package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/transform"
)

// Options configures a Loader. Zero values mean the defaults in brackets.
type Options struct {
	// BatchSize is the number of patches per batch. [1]
	BatchSize int
	// Workers run the random transforms in parallel. [2]
	Workers int
	// Prefetch is the number of finished batches queued ahead of the consumer. [2]
	Prefetch int
	// Window is the number of samples in flight (being transformed or waiting
	// to be batched in order); at least Workers + 1. [2 × Workers]
	Window int
	// Seed makes shuffling and every random transform reproducible.
	Seed uint64
	// NoShuffle keeps the source order (validation).
	NoShuffle bool
	// KeepLast emits a final, smaller batch instead of dropping the remainder.
	KeepLast bool
	// Random is the chain run on every sample every epoch (the part after the
	// cached deterministic prefix). If it starts with rand_crop_samples and the
	// source is a RegionSource, only the drawn patches are read.
	Random transform.Chain
}

func (o Options) withDefaults() Options {
	o.BatchSize = max(1, o.BatchSize)
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Prefetch <= 0 {
		o.Prefetch = 2
	}
	if o.Window == 0 {
		o.Window = 2 * o.Workers
	}
	o.Window = max(o.Window, o.Workers+1)
	return o
}

// Batch is a stack of patches: one [B, C, (Z,) Y, X] array per role.
type Batch struct {
	Arrays map[string]*array.Array
	// IDs names the sample each patch came from.
	IDs []string
}

// Size returns the number of patches in the batch.
func (b *Batch) Size() int { return len(b.IDs) }

// Loader produces batches epoch by epoch.
type Loader struct {
	src  func(epoch int) Source
	n    int // samples per epoch
	opts Options

	maxItemBytes  atomic.Int64
	maxBatchBytes atomic.Int64
}

// New checks the options and returns a loader over src.
func New(src Source, o Options) (*Loader, error) {
	if src == nil || src.Len() == 0 {
		return nil, fmt.Errorf("loader: the source has no samples")
	}
	if err := checkChain(o.Random); err != nil {
		return nil, err
	}
	return &Loader{src: func(int) Source { return src }, n: src.Len(), opts: o.withDefaults()}, nil
}

// NewCached returns a loader whose epochs draw from a SmartCache: each epoch
// covers the samples cached for it.
func NewCached(c *SmartCache, o Options) (*Loader, error) {
	if err := checkChain(o.Random); err != nil {
		return nil, err
	}
	return &Loader{src: c.ForEpoch, n: c.k, opts: o.withDefaults()}, nil
}

func checkChain(c transform.Chain) error {
	for _, t := range c {
		if err := transform.Check(t); err != nil {
			return fmt.Errorf("loader: %w", err)
		}
	}
	return nil
}

// Options returns the resolved options.
func (l *Loader) Options() Options { return l.opts }

// PatchesPerSample is the fan-out of the random chain (product of the
// num_samples of its rand_crop_samples steps).
func (l *Loader) PatchesPerSample() int {
	n := 1
	for _, t := range l.opts.Random {
		if c, ok := t.(*transform.RandCropSamples); ok {
			n *= c.N
		}
	}
	return n
}

// Steps returns the number of batches one epoch yields.
func (l *Loader) Steps() int {
	p := l.n * l.PatchesPerSample()
	if l.opts.KeepLast {
		return (p + l.opts.BatchSize - 1) / l.opts.BatchSize
	}
	return p / l.opts.BatchSize
}

// MemoryBound returns the most bytes of sample data the loader holds at once,
// from the largest item (a loaded sample plus its patches) and batch seen so
// far: Window × item + (Prefetch + 4) × batch (queued batches, one waiting to
// be queued, one held by the consumer, and the patches plus the stacked copy of
// the batch being assembled). It is 0 before the first epoch.
func (l *Loader) MemoryBound() int64 {
	return int64(l.opts.Window)*l.maxItemBytes.Load() + int64(l.opts.Prefetch+4)*l.maxBatchBytes.Load()
}

// order returns the epoch's sample order.
func (l *Loader) order(epoch int) []int {
	n := l.n
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if !l.opts.NoShuffle {
		r := rand.New(rand.NewPCG(l.opts.Seed, 0x5eed0000+uint64(epoch)))
		r.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	return idx
}

// sampleRand is the random source for one sample in one epoch.
func (l *Loader) sampleRand(epoch, sample int) *rand.Rand {
	return rand.New(rand.NewPCG(l.opts.Seed^(uint64(epoch)*0x9e3779b97f4a7c15), uint64(sample)*0xbf58476d1ce4e5b9+1))
}

// process loads sample i and runs the random chain on it.
func (l *Loader) process(src Source, epoch, i int) ([]*array.Sample, error) {
	r := l.sampleRand(epoch, i)
	chain := l.opts.Random
	var patches []*array.Sample
	var loaded int
	if rs, ok := src.(RegionSource); ok && len(chain) > 0 {
		if crop, ok := chain[0].(*transform.RandCropSamples); ok {
			sp, fg, err := rs.Spatial(i)
			if err != nil {
				return nil, err
			}
			if crop.PosFraction == 0 {
				fg = nil
			}
			starts, err := crop.Starts(fmt.Sprint("#", i), sp, fg, r)
			if err != nil {
				return nil, err
			}
			for _, st := range starts {
				p, err := rs.Region(i, st, crop.Size)
				if err != nil {
					return nil, err
				}
				loaded += p.Bytes()
				patches = append(patches, p)
			}
			chain = chain[1:]
		}
	}
	if patches == nil {
		s, err := src.Sample(i)
		if err != nil {
			return nil, err
		}
		loaded = s.Bytes()
		patches = []*array.Sample{s}
	}
	var out []*array.Sample
	for _, p := range patches {
		o, err := chain.Apply(p, r)
		if err != nil {
			return nil, err
		}
		out = append(out, o...)
	}
	total := loaded
	for _, o := range out {
		total += o.Bytes()
	}
	for {
		cur := l.maxItemBytes.Load()
		if int64(total) <= cur || l.maxItemBytes.CompareAndSwap(cur, int64(total)) {
			break
		}
	}
	return out, nil
}

type result struct {
	patches []*array.Sample
	err     error
}

// Epoch is one pass over the data; call Next until io.EOF, or Close to stop early.
type Epoch struct {
	ctx    context.Context
	out    chan *Batch
	errc   chan error
	cancel context.CancelFunc
	wg     sync.WaitGroup
	err    error
}

// Epoch starts producing the batches of epoch number epoch (0-based).
func (l *Loader) Epoch(ctx context.Context, epoch int) *Epoch {
	ctx, cancel := context.WithCancel(ctx)
	e := &Epoch{ctx: ctx, out: make(chan *Batch, l.opts.Prefetch), errc: make(chan error, 1), cancel: cancel}
	type job struct {
		i   int
		res chan result
	}
	jobs := make(chan job)
	pending := make(chan chan result, l.opts.Window-1)
	order := l.order(epoch)
	src := l.src(epoch)
	// Dispatcher: hands out samples in epoch order; pending bounds how far the
	// workers may run ahead of the batcher.
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(jobs)
		defer close(pending)
		for _, i := range order {
			res := make(chan result, 1)
			select {
			case pending <- res:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{i, res}:
			case <-ctx.Done():
				return
			}
		}
	}()
	for w := 0; w < l.opts.Workers; w++ {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			for j := range jobs {
				p, err := l.process(src, epoch, j.i)
				j.res <- result{p, err}
			}
		}()
	}
	// Batcher: collects results in order and stacks fixed-shape batches.
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(e.out)
		var cur []*array.Sample
		emit := func() bool {
			b, err := stack(cur)
			cur = nil
			if err != nil {
				e.errc <- err
				return false
			}
			for {
				mb := l.maxBatchBytes.Load()
				if int64(batchBytes(b)) <= mb || l.maxBatchBytes.CompareAndSwap(mb, int64(batchBytes(b))) {
					break
				}
			}
			select {
			case e.out <- b:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for res := range pending {
			var r result
			select {
			case r = <-res:
			case <-ctx.Done():
				return
			}
			if r.err != nil {
				e.errc <- r.err
				cancel()
				return
			}
			for _, p := range r.patches {
				cur = append(cur, p)
				if len(cur) == l.opts.BatchSize && !emit() {
					cancel()
					return
				}
			}
		}
		if ctx.Err() == nil && len(cur) > 0 && l.opts.KeepLast {
			emit()
		}
	}()
	return e
}

// Next returns the next batch, or io.EOF after the last one, or the first error
// (a sample that failed to load or transform, unequal shapes in a batch, or the
// context's error if it was cancelled).
func (e *Epoch) Next() (*Batch, error) {
	if e.err != nil {
		return nil, e.err
	}
	b, ok := <-e.out
	if ok {
		return b, nil
	}
	select {
	case err := <-e.errc:
		e.err = err
	default:
		if err := e.ctx.Err(); err != nil {
			e.err = err // cancelled by the caller: not a complete epoch
		} else {
			e.err = io.EOF
		}
	}
	e.Close()
	return nil, e.err
}

// Close stops the epoch's goroutines and waits for them.
func (e *Epoch) Close() {
	e.cancel()
	for range e.out {
	}
	e.wg.Wait()
	if e.err == nil {
		e.err = errors.New("loader: epoch closed")
	}
}

func batchBytes(b *Batch) int {
	n := 0
	for _, a := range b.Arrays {
		n += a.Bytes()
	}
	return n
}

// stack builds a batch from patches with identical roles and shapes, or says
// which patch differs.
func stack(ps []*array.Sample) (*Batch, error) {
	b := &Batch{Arrays: map[string]*array.Array{}}
	first := ps[0]
	for _, k := range first.Keys() {
		a := first.Arrays[k]
		out := array.New(append([]int{len(ps)}, a.Shape...)...)
		per := a.Len()
		for j, p := range ps {
			pa, ok := p.Arrays[k]
			if !ok {
				return nil, fmt.Errorf("loader: batch mixes samples with and without %s (%s has %v, %s has %v)", k, first.ID, first.Keys(), p.ID, p.Keys())
			}
			if !array.SameShape(pa.Shape, a.Shape) {
				return nil, fmt.Errorf("loader: a batch needs equal shapes: %s %s is %v but %s %s is %v (crop or pad to a fixed size)", first.ID, k, a.Shape, p.ID, k, pa.Shape)
			}
			copy(out.Data[j*per:(j+1)*per], pa.Data)
		}
		b.Arrays[k] = out
	}
	for _, p := range ps {
		if len(p.Arrays) != len(first.Arrays) {
			return nil, fmt.Errorf("loader: batch mixes samples with roles %v (%s) and %v (%s)", first.Keys(), first.ID, p.Keys(), p.ID)
		}
		b.IDs = append(b.IDs, p.ID)
	}
	return b, nil
}
