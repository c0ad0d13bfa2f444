package im2im

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/train"
)

// Problem is one configuration problem: its config path (data.patch.size,
// model.net.features, trainer.lr, ...) and message.
type Problem = train.Problem

// Problems lists configuration problems.
type Problems = train.Problems

// ValidationError lists every problem of a configuration, each with its path.
type ValidationError struct {
	Problems Problems
}

// Error implements error: a header line and one indented line per problem.
func (e *ValidationError) Error() string { return e.Problems.Error() }

// Validate checks a whole configuration (after filling defaults) before any
// work and reports every problem at once: the data section, the model section
// (its framework's) and the trainer section.
func (c Config) Validate() error {
	r := c.Resolved()
	var ps Problems
	ps = append(ps, dataProblems(r)...)
	ps = append(ps, r.Model.problems(r, c)...)
	ps = append(ps, trainerProblems(r, c)...)
	if len(ps) > 0 {
		return &ValidationError{Problems: dedupe(ps)}
	}
	return nil
}

// dataProblems checks the data section of a resolved config.
func dataProblems(r Config) Problems {
	var ps Problems
	d, seg := r.Data, r.Model.labels()
	if d.Path == "" && (d.Train == "" || d.Val == "") {
		ps.Add("data.path", "missing (or give both data.train and data.val)")
	}
	for _, p := range [][2]string{{"data.path", d.Path}, {"data.train", d.Train}, {"data.val", d.Val}} {
		if p[1] == "" {
			continue
		}
		if _, err := os.Stat(p[1]); errors.Is(err, os.ErrNotExist) {
			ps.Add(p[0], "%s does not exist", p[1])
		} else if err != nil {
			ps.Add(p[0], "%v", err)
		}
	}
	if cats := r.Model.categories(); !slices.Contains(cats, d.Category) {
		ps.Add("data.category", "want %s (what the %s framework trains on), got %q", strings.Join(cats, " or "), r.Model.Framework(), d.Category)
	}
	if d.Dims != 2 && d.Dims != 3 {
		ps.Add("data.dims", "want 2 or 3, got %d", d.Dims)
	}
	if len(d.Patch.Size) != d.Dims {
		ps.Add("data.patch.size", "want %d values for %dD data, got %d (%v)", d.Dims, d.Dims, len(d.Patch.Size), d.Patch.Size)
	}
	for i, s := range d.Patch.Size {
		if s <= 0 {
			ps.Add(fmt.Sprintf("data.patch.size[%d]", i), "must be positive, got %d", s)
		}
	}
	if d.Patch.PerImage < 1 {
		ps.Add("data.patch.per_image", "must be at least 1, got %d", d.Patch.PerImage)
	}
	if d.Patch.PosFraction < 0 || d.Patch.PosFraction > 1 {
		ps.Add("data.patch.pos_fraction", "must be in [0, 1], got %v", d.Patch.PosFraction)
	}
	if d.ValRatio >= 1 {
		ps.Add("data.val_ratio", "must be below 1, got %v", d.ValRatio)
	}
	if d.Workers < 0 {
		ps.Add("data.workers", "must not be negative, got %d", d.Workers)
	}
	if d.Normalize != nil && d.Normalize.Name != "none" {
		if _, err := d.Normalize.build(d.Input); err != nil {
			ps.Add("data.normalize", "%v", err)
		}
	}
	for i, tr := range d.Preprocess {
		if x, err := tr.build(d.Input); err != nil {
			ps.Add(fmt.Sprintf("data.preprocess[%d]", i), "%v", err)
		} else if x.Random() {
			ps.Add(fmt.Sprintf("data.preprocess[%d]", i), "%s is random: put it in data.augment", tr.Name)
		}
	}
	for i, tr := range d.Augment {
		if _, err := withLabelKeys(tr, d, seg).build(d.Input); err != nil {
			ps.Add(fmt.Sprintf("data.augment[%d]", i), "%v", err)
		}
		if n := len(d.Patch.Size); tr.Name == "rand_rot90" && n >= 2 && d.Patch.Size[n-2] != d.Patch.Size[n-1] {
			ps.Add(fmt.Sprintf("data.augment[%d]", i), "rand_rot90 swaps Y and X, but data.patch.size %v is not square in Y-X: batches would mix patch shapes (use Y = X, or rand_flip)", d.Patch.Size)
		}
	}
	p := d.Partial
	if p.Fraction < 0 || p.Fraction > 1 {
		ps.Add("data.partial.fraction", "must be in (0, 1] (0: off), got %v", p.Fraction)
	}
	if p.Replace < 0 || p.Replace > 1 {
		ps.Add("data.partial.replace", "must be in (0, 1] (0: the default 1), got %v", p.Replace)
	}
	if p.Every < 0 {
		ps.Add("data.partial.every", "must not be negative (0: the default 5), got %d", p.Every)
	}
	if p.Fraction == 0 && (p.Replace != 0 || p.Every != 0) {
		ps.Add("data.partial.fraction", "missing: data.partial.replace and data.partial.every need a fraction in (0, 1]")
	}
	return ps
}

// problems implements Model: FCN's model section, including what the engine
// (ml/framework, ml/train) checks, placed at this config's paths.
func (m FCN) problems(r, declared Config) Problems {
	var ps Problems
	d := r.Data
	cfg := m.Net.config()
	if d.CostMap != "" {
		if _, ok := m.Loss.build().(interface {
			WeightedLoss(pred, target, weight *graph.Node) *graph.Node
		}); !ok {
			ps.Add("data.cost_map", "loss %s does not take per-voxel weights", m.Loss.Kind())
		}
	}
	if cfg.Dims != d.Dims && (d.Dims == 2 || d.Dims == 3) {
		ps.Add("model.net.dims", "%d but the data is %dD", cfg.Dims, d.Dims)
	}
	if m.Predict.ThresholdMethod == framework.ThresholdOtsu && m.Predict.Output == framework.OutputLabels && cfg.OutChannels > 1 {
		ps.Add("model.predict.threshold_method", "otsu thresholds one output channel; the net has %d (labels are their argmax): set model.net.out_channels: 1 or threshold_method: fixed", cfg.OutChannels)
	}
	if m.Loss.segmentation() && cfg.OutChannels < 1 {
		ps.Add("model.net.out_channels", "must be positive, got %d", cfg.OutChannels)
	}
	f, err := m.fcnEngine(r, "", nil)
	if err != nil {
		// An unknown metric: check the rest with the known ones.
		ps.Add("model.metrics", "%v", err)
		known := m
		known.Metrics = nil
		for _, n := range m.Metrics {
			if _, err := framework.Metrics(n); err == nil {
				known.Metrics = append(known.Metrics, n)
			}
		}
		f, _ = known.fcnEngine(r, "", nil)
	}
	// The window the user declared is the engine's to check; the default (the
	// patch size) is checked as data.patch.size below.
	f.Predict.Window = declared.fcn().Predict.Window
	for _, p := range f.Validate() {
		p.Path = configPath(p.Path)
		ps = append(ps, p)
	}
	if v, ok := f.Net.(interface{ Validate() error }); ok && len(d.Patch.Size) == d.Dims && v.Validate() == nil {
		if ad, ok := f.Net.(interface{ AxisDivisors() []int }); ok {
			div := ad.AxisDivisors()
			for i, s := range d.Patch.Size {
				if i < len(div) && div[i] > 0 && s%div[i] != 0 {
					ps.Add(fmt.Sprintf("data.patch.size[%d]", i), "%d is not a multiple of %d, the net's total stride on that axis", s, div[i])
				}
			}
		}
	}
	if m.Schedule.WarmupSteps != 0 && m.Schedule.Kind != "cosine" {
		ps.Add("model.schedule.warmup_steps", "only the cosine schedule warms up; model.schedule.kind is %s (set kind: cosine, or remove warmup_steps)", m.Schedule.Kind)
	}
	if d.ValRatio < 0 && d.Val == "" && m.Schedule.Kind == "plateau" {
		ps.Add("model.schedule.kind", "plateau %s", noValidation)
	}
	p := m.Predict
	seen := map[int]bool{}
	for i, ch := range p.Channels {
		if ch < 0 {
			ps.Add(fmt.Sprintf("model.predict.channels[%d]", i), "must not be negative, got %d", ch)
		}
		if seen[ch] {
			ps.Add(fmt.Sprintf("model.predict.channels[%d]", i), "channel %d is selected twice", ch)
		}
		seen[ch] = true
	}
	if in := cfg.InChannels; in > 0 && len(p.Channels) > 0 && len(p.Channels) != in {
		ps.Add("model.predict.channels", "selects %d channel(s) %v but model.net.in_channels is %d", len(p.Channels), p.Channels, in)
	}
	if _, ok := m.Net.(DynUNet); ok && cfg.DeepSupervision > 0 && d.CostMap != "" {
		ps.Add("model.net.deep_supervision", "the deep-supervision loss takes no cost map, but data.cost_map is %s (set deep_supervision: 0 or remove the cost map)", d.CostMap)
	}
	if dt, err := predictDType(m); err != nil {
		ps = append(ps, Problem{Message: err.Error()}) // the message starts with its path
	} else {
		ps = append(ps, checkPredictDType(m, dt)...)
	}
	return ps
}

// configPath maps the engine's setting paths (ml/train keeps the optimizer and
// schedule under trainer, with the rate inside the optimizer) onto this
// package's config, where they live under model and the rate is trainer.lr.
func configPath(engine string) string {
	for _, r := range [][2]string{
		{"trainer.optimizer.lr", "trainer.lr"},
		{"trainer.optimizer", "model.optimizer"},
		{"trainer.schedule", "model.schedule"},
	} {
		if pathWithin(engine, r[0]) {
			return r[1] + engine[len(r[0]):]
		}
	}
	return engine
}

// noValidation says why a setting that needs validation data is refused.
const noValidation = "needs validation data, but data.val_ratio is negative and data.val is empty"

// trainerProblems checks the trainer section of a resolved config (declared is
// the config as given).
func trainerProblems(r, declared Config) Problems {
	var ps Problems
	t := r.Trainer
	if r.Data.ValRatio < 0 && r.Data.Val == "" {
		// No validation data: what depends on validation would be silently ignored.
		if t.Patience > 0 {
			ps.Add("trainer.patience", "%s", noValidation)
		}
		if declared.Trainer.Monitor != "" {
			ps.Add("trainer.monitor", "%s", noValidation)
		}
	}
	if t.Epochs < 1 {
		ps.Add("trainer.epochs", "must be at least 1, got %d", t.Epochs)
	}
	if t.BatchSize < 1 {
		ps.Add("trainer.batch_size", "must be at least 1, got %d", t.BatchSize)
	}
	if t.LR <= 0 {
		ps.Add("trainer.lr", "must be positive, got %v", t.LR)
	}
	if t.Devices > 1 && t.BatchSize%t.Devices != 0 {
		ps.Add("trainer.batch_size", "%d does not split evenly over trainer.devices %d", t.BatchSize, t.Devices)
	}
	if t.Resume && t.Name == "" {
		ps.Add("trainer.resume", "needs trainer.name to find the run to continue")
	}
	if t.InitFrom != "" {
		if _, err := os.Stat(t.InitFrom); err != nil {
			ps.Add("trainer.init_from", "%v", err)
		} else if isPackage(t.InitFrom) && r.Model != nil {
			ps = append(ps, packageInitProblems(r)...)
		}
	}
	return ps
}

// checkPredictDType refuses output types that would lose the prediction:
// integer probabilities (all 0 or 1) and labels beyond the type's range.
func checkPredictDType(m FCN, dt infer.DType) Problems {
	var ps Problems
	p := m.Predict
	switch {
	case p.Output == framework.OutputProb && dt != infer.Float32:
		ps.Add("model.predict.dtype", "%v would round probabilities in [0, 1] to 0 or 1: use float32, or model.predict.output: labels", dt)
	case p.Output == framework.OutputLabels && dt == infer.Uint8 && maxLabel(m.Net) > 255:
		ps.Add("model.predict.dtype", "uint8 holds labels up to 255, but the net's %d output channels give labels up to %d: use uint16", m.Net.config().OutChannels, maxLabel(m.Net))
	}
	return ps
}

// dedupe drops repeated problems and further problems of a setting already
// named, keeping the first of each.
func dedupe(ps Problems) Problems {
	seen := map[Problem]bool{}
	paths := map[string]bool{}
	var out Problems
	for _, p := range ps {
		// One problem per setting: the model's and the engine's checks of one
		// value (trainer.epochs: "must be positive" and "at least 1") say the
		// same thing twice.
		if seen[p] || (p.Path != "" && paths[p.Path]) {
			continue
		}
		seen[p], paths[p.Path] = true, true
		out = append(out, p)
	}
	return out
}
