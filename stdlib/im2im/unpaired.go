package im2im

import (
	"fmt"
	"strings"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/loader"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/train"
)

// domains splits a split's subjects (in source order) into domain A's and
// domain B's indices (see dataset.UnpairedA).
func domains(subjects []dataset.Subject) (a, b []int) {
	for i, s := range subjects {
		if strings.HasPrefix(s.ID, dataset.UnpairedA) {
			a = append(a, i)
		} else {
			b = append(b, i)
		}
	}
	return a, b
}

// unpairedData builds the training and validation datasets of unpaired data:
// per split, one loader per domain (own order and crops: domain B's seed is
// offset), zipped by framework.Unpaired. Validation is nil unless both domains
// have validation images. closeData stops the loaders.
func unpairedData(p *pipeline, r Config) (trainDS, valDS train.Dataset, closeData func(), err error) {
	d, t := r.Data, r.Trainer
	var closers []func()
	closeData = func() {
		for _, c := range closers {
			c()
		}
	}
	build := func(src *loader.StoreSource, subjects []dataset.Subject, val bool) (train.Dataset, error) {
		a, b := domains(subjects)
		if len(a) == 0 || len(b) == 0 {
			if val {
				return nil, nil
			}
			return nil, fmt.Errorf("data: unpair training data needs images of both domains; found %d of A (IM) and %d of B (GT)", len(a), len(b))
		}
		var ds [2]*framework.LoaderDataset
		for k, idx := range [][]int{a, b} {
			o := loader.Options{BatchSize: t.BatchSize, Workers: d.Workers, Seed: uint64(t.Seed) + uint64(k), Random: p.Random}
			if val {
				o = loader.Options{BatchSize: t.BatchSize, Workers: 1, Seed: uint64(t.Seed) + uint64(k), NoShuffle: true, KeepLast: true, Random: p.val}
			}
			ld, err := loader.New(src.Subset(idx), o)
			if err != nil {
				return nil, err
			}
			role := d.Input
			if k == 1 {
				role = d.Target
			}
			if ld.Steps() == 0 {
				return nil, fmt.Errorf("data: %d domain %s images × %d patches make no full batch of trainer.batch_size %d",
					len(idx), role, d.Patch.PerImage, t.BatchSize)
			}
			ds[k] = framework.NewLoaderDataset(ld, role, role)
			closers = append(closers, ds[k].Close)
		}
		return framework.Unpaired{A: ds[0], B: ds[1]}, nil
	}
	if trainDS, err = build(p.Train, p.Dataset.Train, false); err != nil {
		closeData()
		return nil, nil, nil, err
	}
	if p.Val != nil && p.Val.Len() > 0 {
		if valDS, err = build(p.Val, p.Dataset.Val, true); err != nil {
			closeData()
			return nil, nil, nil, err
		}
	}
	return trainDS, valDS, closeData, nil
}

// unpairedSample is the sample the image panel shows for unpaired data: a domain
// A image (input) and a domain B image (another scene, as the target), from
// validation when both domains have one there, else from training.
func unpairedSample(p *pipeline, d Data) *array.Sample {
	pick := func(src *loader.StoreSource, subjects []dataset.Subject) *array.Sample {
		a, b := domains(subjects)
		if src == nil || len(a) == 0 || len(b) == 0 {
			return nil
		}
		sa, err := src.Sample(a[0])
		if err != nil {
			return nil
		}
		sb, err := src.Sample(b[0])
		if err != nil {
			return nil
		}
		out := array.NewSample(sa.ID + " / " + sb.ID)
		out.Arrays[d.Input], out.Arrays[d.Target] = sa.Arrays[d.Input], sb.Arrays[d.Target]
		return out
	}
	if s := pick(p.Val, p.Dataset.Val); s != nil {
		return s
	}
	return pick(p.Train, p.Dataset.Train)
}
