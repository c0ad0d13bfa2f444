package framework

import (
	stdctx "context"
	"fmt"
	"sync"

	"github.com/im2im/im2im/data/loader"
	"github.com/im2im/im2im/ml/train"
)

// LoaderDataset serves a data/loader.Loader's batches to the trainer: the input is
// the batch array under In (e.g. "IM"), the target the one under GT and, when CM is
// set, the cost map the one under CM. Batches are
// read in order; asking for another position (a resume, or validation at epoch 0)
// restarts that epoch and skips forward, which the loader makes exact because its
// batches depend only on (seed, epoch, position). Close releases the workers.
type LoaderDataset struct {
	Loader     *loader.Loader
	In, GT, CM string

	mu    sync.Mutex
	epoch int
	next  int
	it    *loader.Epoch
	// last is the batch returned last, at (lastEpoch, next-1): asked again (the
	// trainer reads its first batch twice) it is served without restarting.
	last      train.Batch
	lastEpoch int
}

// NewLoaderDataset wraps l, reading inputs from role in and targets from role gt.
func NewLoaderDataset(l *loader.Loader, in, gt string) *LoaderDataset {
	return &LoaderDataset{Loader: l, In: in, GT: gt, epoch: -1}
}

// Len implements train.Dataset.
func (d *LoaderDataset) Len() int { return d.Loader.Steps() }

// Batch implements train.Dataset.
func (d *LoaderDataset) Batch(epoch, i int) (train.Batch, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if i < 0 || i >= d.Len() {
		return train.Batch{}, fmt.Errorf("fcn: batch %d out of range 0..%d", i, d.Len()-1)
	}
	if d.last.X.Data != nil && epoch == d.lastEpoch && i == d.next-1 {
		return d.last, nil
	}
	if d.it == nil || epoch != d.epoch || i < d.next {
		if d.it != nil {
			d.it.Close()
		}
		d.it, d.epoch, d.next = d.Loader.Epoch(stdctx.Background(), epoch), epoch, 0
		d.last = train.Batch{}
	}
	for {
		b, err := d.it.Next()
		if err != nil {
			d.it = nil
			return train.Batch{}, fmt.Errorf("fcn: loader epoch %d batch %d: %w", epoch, d.next, err)
		}
		d.next++
		if d.next-1 < i {
			continue
		}
		x, ok := b.Arrays[d.In]
		if !ok {
			return train.Batch{}, fmt.Errorf("fcn: loader batch has no %q array", d.In)
		}
		y, ok := b.Arrays[d.GT]
		if !ok {
			return train.Batch{}, fmt.Errorf("fcn: loader batch has no %q array", d.GT)
		}
		out := train.Batch{
			X: train.Tensor{Shape: x.Shape, Data: x.Data},
			Y: train.Tensor{Shape: y.Shape, Data: y.Data},
		}
		if d.CM != "" {
			w, ok := b.Arrays[d.CM]
			if !ok {
				return train.Batch{}, fmt.Errorf("fcn: loader batch has no %q array", d.CM)
			}
			out.W = train.Tensor{Shape: w.Shape, Data: w.Data}
		}
		d.last, d.lastEpoch = out, epoch
		return out, nil
	}
}

// Close stops the loader epoch in progress, if any.
func (d *LoaderDataset) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.it != nil {
		d.it.Close()
		d.it = nil
	}
}
