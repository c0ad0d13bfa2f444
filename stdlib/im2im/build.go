package im2im

import (
	"fmt"
	"path/filepath"

	"github.com/im2im/im2im/data/transform"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/train"
)

// This file builds what the engine runs from a resolved config: the framework
// declaration (ml/framework) and the data chains (data/transform).

// engine implements Model: the ml/framework FCN of a resolved config,
// checkpointing into dir ("": the run's checkpoints folder under
// trainer.root/trainer.name); progress may be nil.
func (m FCN) engine(r Config, dir string, progress func(train.Progress)) (framework.Framework, error) {
	return m.fcnEngine(r, dir, progress)
}

// fcnEngine is engine with the concrete type, for validation.
func (m FCN) fcnEngine(r Config, dir string, progress func(train.Progress)) (framework.FCN, error) {
	metrics, err := framework.Metrics(m.Metrics...)
	if err != nil {
		return framework.FCN{}, err
	}
	return framework.FCN{
		Net:     m.Net.build(),
		Loss:    netLoss(m),
		Metrics: metrics,
		Trainer: trainConfig(r, m.Optimizer, m.Schedule, dir, progress),
		Predict: m.Predict.engine(),
	}, nil
}

// trainConfig is the engine's loop configuration of a resolved config, with the
// (first) optimizer and schedule, checkpointing into dir ("": the run folder).
func trainConfig(r Config, o Optimizer, s Schedule, dir string, progress func(train.Progress)) train.Config {
	t := r.Trainer
	if dir == "" {
		dir = filepath.Join(t.Root, orString(t.Name, "run"), "checkpoints")
	}
	return train.Config{
		Epochs: t.Epochs, Optimizer: o.engine(t.LR), Schedule: s.engine(),
		Resume: t.Resume, InitFrom: t.InitFrom, Dir: dir,
		ClipNorm: t.ClipNorm, ValEvery: t.ValEvery, SaveEverySteps: t.SaveEverySteps, Monitor: t.Monitor, Patience: t.Patience, Seed: t.Seed,
		Devices: t.Devices, Progress: progress,
	}
}

// engine is the optimizer for the engine; lr is trainer.lr, used unless the
// optimizer has its own.
func (o Optimizer) engine(lr float64) train.Optimizer {
	return train.Optimizer{Kind: o.Kind, LR: orFloat(o.LR, lr), WeightDecay: o.WeightDecay, Momentum: o.Momentum,
		Beta1: o.Beta1, Beta2: o.Beta2, Eps: o.Eps}
}

// engine is the schedule for the engine.
func (s Schedule) engine() train.Schedule {
	return train.Schedule{Kind: s.Kind, WarmupSteps: s.WarmupSteps, MinLR: s.MinLR, Gamma: s.Gamma, Factor: s.Factor, Patience: s.Patience}
}

// engine is the prediction settings for the engine.
func (p Prediction) engine() framework.Predict {
	return framework.Predict{Window: p.Window, MaxVoxels: p.MaxVoxels, Overlap: p.Overlap, BatchSize: p.BatchSize,
		Output: p.Output, Threshold: p.Threshold, ThresholdMethod: p.ThresholdMethod, MinSize: p.MinSize, TTA: p.TTA}
}

// netLoss is the model's loss, wrapped in loss.Deep when the net has deep
// supervision heads (their channels follow the main head's while training).
func netLoss(m FCN) framework.Loss {
	l := m.Loss.build()
	if u, ok := m.Net.(DynUNet); ok && u.DeepSupervision > 0 {
		return loss.Deep{Head: l, OutChannels: u.OutChannels}
	}
	return l
}

// withLabelKeys returns tr with the label keys of rand_elastic (arrays resampled
// nearest-neighbour instead of linearly) set to match the task when the transform
// does not give them: the target and cost map for segmentation, only the cost map
// otherwise (a regression target is an image, resampled like the input).
func withLabelKeys(tr Transform, d Data, seg bool) Transform {
	if tr.Name != "rand_elastic" {
		return tr
	}
	if _, given := tr.Params["label_keys"]; given {
		return tr
	}
	keys := []any{}
	if seg {
		keys = append(keys, d.Target)
	}
	if d.CostMap != "" {
		keys = append(keys, d.CostMap)
	}
	params := map[string]any{"label_keys": keys}
	for k, v := range tr.Params {
		params[k] = v
	}
	return Transform{Name: tr.Name, Params: params}
}

// chains returns the cached (deterministic) and per-epoch (random) transform
// chains of resolved data, and the validation chain. For unpaired data
// (category unpair), whose samples hold one domain's image each, a transform
// with keys applies to the samples that have them (transform.IfPresent).
func chains(d Data, seg bool) (det, random, val transform.Chain, err error) {
	det, random, val, err = pairChains(d, seg)
	if err != nil || d.Category != "unpair" {
		return det, random, val, err
	}
	return ifPresent(det), ifPresent(random), ifPresent(val), nil
}

// ifPresent wraps the transforms of c that name keys in transform.IfPresent
// (the others, such as the random crop the loader recognises, apply to every
// sample anyway).
func ifPresent(c transform.Chain) transform.Chain {
	out := make(transform.Chain, len(c))
	for i, t := range c {
		out[i] = t
		if keys, ok := transform.Params(t)["keys"].([]string); ok && len(keys) > 0 {
			out[i] = transform.IfPresent{T: t}
		}
	}
	return out
}

// pairChains is chains for paired data.
func pairChains(d Data, seg bool) (det, random, val transform.Chain, err error) {
	if d.Normalize != nil && d.Normalize.Name != "none" {
		n, err := d.Normalize.build(d.Input)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("data.normalize: %w", err)
		}
		det = append(det, n)
	}
	for i, tr := range d.Preprocess {
		x, err := tr.build(d.Input)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("data.preprocess[%d]: %w", i, err)
		}
		det = append(det, x)
	}
	crop := &transform.RandCropSamples{Size: d.Patch.Size, N: d.Patch.PerImage}
	if seg {
		crop.PosFraction, crop.LabelKey = d.Patch.PosFraction, d.Target
	}
	random = transform.Chain{crop}
	for i, tr := range d.Augment {
		x, err := withLabelKeys(tr, d, seg).build(d.Input)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("data.augment[%d]: %w", i, err)
		}
		random = append(random, x)
	}
	if !d.Patch.ValWhole {
		val = transform.Chain{&transform.CenterCrop{Size: d.Patch.Size}}
	}
	return det, random, val, nil
}
