package im2im

import (
	"fmt"

	"github.com/im2im/im2im/data/loader"
)

// resolved returns p with the defaults of its zero fields filled in (Fraction
// 0 stays 0: partial loading off).
func (p Partial) resolved() Partial {
	if p.Fraction == 0 {
		return p
	}
	p.Replace = orFloat(p.Replace, 1)
	p.Every = orInt(p.Every, 5)
	return p
}

// trainLoader returns the training loader of a prepared pipeline: over the
// whole store, or over a SmartCache (returned too) when data.partial is set.
func trainLoader(p *pipeline, r Config) (*loader.Loader, *loader.SmartCache, error) {
	d := r.Data
	o := loader.Options{BatchSize: r.Trainer.BatchSize, Workers: d.Workers, Seed: uint64(r.Trainer.Seed), Random: p.Random}
	part := d.Partial.resolved()
	if part.Fraction == 0 {
		ld, err := loader.New(p.Train, o)
		return ld, nil, err
	}
	sc, err := loader.NewSmartCache(p.Train, part.Fraction, part.Replace, part.Every, uint64(r.Trainer.Seed))
	if err != nil {
		return nil, nil, fmt.Errorf("data.partial: %w", err)
	}
	ld, err := loader.NewCached(sc, o)
	return ld, sc, err
}
