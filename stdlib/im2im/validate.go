package im2im

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/im2im/im2im/data/transform"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/train"
)

// ValidationError lists every problem of a configuration, each prefixed with its
// path (data.patch.size, model.net.features, trainer.lr, ...).
type ValidationError struct {
	Problems []string
}

// Error implements error: a header line and one indented line per problem.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid configuration (%d problem(s)):\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Validate checks a whole configuration (after filling defaults) before any
// work and reports every problem at once.
func (c Config) Validate() error {
	r := c.Resolved()
	var errs []string
	add := func(path, format string, args ...any) {
		errs = append(errs, path+": "+fmt.Sprintf(format, args...))
	}
	d, m, t := r.Data, r.Model, r.Trainer
	if d.Path == "" && (d.Train == "" || d.Val == "") {
		add("data.path", "missing (or give both data.train and data.val)")
	}
	for _, p := range [][2]string{{"data.path", d.Path}, {"data.train", d.Train}, {"data.val", d.Val}} {
		if p[1] == "" {
			continue
		}
		if _, err := os.Stat(p[1]); errors.Is(err, os.ErrNotExist) {
			add(p[0], "%s does not exist", p[1])
		} else if err != nil {
			add(p[0], "%v", err)
		}
	}
	if d.Category != "pair" {
		add("data.category", "want pair (the FCN framework trains on pairs), got %q", d.Category)
	}
	if d.Dims != 2 && d.Dims != 3 {
		add("data.dims", "want 2 or 3, got %d", d.Dims)
	}
	if len(d.Patch.Size) != d.Dims {
		add("data.patch.size", "want %d values for %dD data, got %d (%v)", d.Dims, d.Dims, len(d.Patch.Size), d.Patch.Size)
	}
	for i, s := range d.Patch.Size {
		if s <= 0 {
			add(fmt.Sprintf("data.patch.size[%d]", i), "must be positive, got %d", s)
		}
	}
	if d.Patch.PerImage < 1 {
		add("data.patch.per_image", "must be at least 1, got %d", d.Patch.PerImage)
	}
	if d.Patch.PosFraction < 0 || d.Patch.PosFraction > 1 {
		add("data.patch.pos_fraction", "must be in [0, 1], got %v", d.Patch.PosFraction)
	}
	if d.ValRatio >= 1 {
		add("data.val_ratio", "must be below 1, got %v", d.ValRatio)
	}
	if d.Workers < 0 {
		add("data.workers", "must not be negative, got %d", d.Workers)
	}
	if d.Normalize != nil && d.Normalize.Name != "none" {
		if _, err := d.Normalize.build(d.Input); err != nil {
			add("data.normalize", "%v", err)
		}
	}
	for i, tr := range d.Preprocess {
		if x, err := tr.build(d.Input); err != nil {
			add(fmt.Sprintf("data.preprocess[%d]", i), "%v", err)
		} else if x.Random() {
			add(fmt.Sprintf("data.preprocess[%d]", i), "%s is random: put it in data.augment", tr.Name)
		}
	}
	for i, tr := range d.Augment {
		if _, err := withLabelKeys(tr, d, m.Loss.segmentation()).build(d.Input); err != nil {
			add(fmt.Sprintf("data.augment[%d]", i), "%v", err)
		}
		if n := len(d.Patch.Size); tr.Name == "rand_rot90" && n >= 2 && d.Patch.Size[n-2] != d.Patch.Size[n-1] {
			add(fmt.Sprintf("data.augment[%d]", i), "rand_rot90 swaps Y and X, but data.patch.size %v is not square in Y-X: batches would mix patch shapes (use Y = X, or rand_flip)", d.Patch.Size)
		}
	}

	if d.CostMap != "" {
		if _, ok := m.Loss.build().(interface {
			WeightedLoss(pred, target, weight *graph.Node) *graph.Node
		}); !ok {
			add("data.cost_map", "loss %s does not take per-voxel weights", m.Loss.Kind())
		}
	}
	if nd := m.Net.dims(); nd != d.Dims && (d.Dims == 2 || d.Dims == 3) {
		add("model.net.dims", "%d but the data is %dD", nd, d.Dims)
	}
	if f := m.Net.features(); len(f) < 2 {
		add("model.net.features", "want ≥ 2 levels, got %d (%v)", len(f), f)
	}
	if m.Predict.ThresholdMethod == framework.ThresholdOtsu && m.Predict.Output == framework.OutputLabels && m.Net.outChannels() > 1 {
		add("model.predict.threshold_method", "otsu thresholds one output channel; the net has %d (labels are their argmax): set model.net.out_channels: 1 or threshold_method: fixed", m.Net.outChannels())
	}
	if m.Loss.segmentation() && m.Net.outChannels() < 1 {
		add("model.net.out_channels", "must be positive, got %d", m.Net.outChannels())
	}
	f, ferr := toFramework(r, nil)
	if ferr != nil {
		for _, e := range strings.Split(ferr.Error(), "\n") {
			add("model.metrics", "%s", e)
		}
	} else if err := f.Validate(); err != nil {
		lines := strings.Split(err.Error(), "\n")
		for _, l := range lines[1:] {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, "model.net: ") && len(m.Net.features()) < 2 {
				continue // reported above with the config's own name
			}
			if strings.HasPrefix(l, "model.predict.window") && len(c.Model.Predict.Window) == 0 {
				continue // the window is the patch size, checked below
			}
			errs = append(errs, renamePath(l))
		}
		if len(lines) == 1 {
			errs = append(errs, lines[0])
		}
	}
	if ferr == nil && len(d.Patch.Size) == d.Dims {
		if v, ok := f.Net.(interface{ Validate() error }); ok && v.Validate() == nil {
			if ad, ok := f.Net.(interface{ AxisDivisors() []int }); ok {
				div := ad.AxisDivisors()
				for i, s := range d.Patch.Size {
					if i < len(div) && div[i] > 0 && s%div[i] != 0 {
						add(fmt.Sprintf("data.patch.size[%d]", i), "%d is not a multiple of %d, the net's total stride on that axis", s, div[i])
					}
				}
			}
		}
	}
	if m.Schedule.WarmupSteps != 0 && m.Schedule.Kind != "cosine" {
		add("model.schedule.warmup_steps", "only the cosine schedule warms up; model.schedule.kind is %s (set kind: cosine, or remove warmup_steps)", m.Schedule.Kind)
	}
	if d.ValRatio < 0 && d.Val == "" {
		// No validation data: what depends on validation would be silently ignored.
		const why = "needs validation data, but data.val_ratio is negative and data.val is empty"
		if t.Patience > 0 {
			add("trainer.patience", "%s", why)
		}
		if c.Trainer.Monitor != "" {
			add("trainer.monitor", "%s", why)
		}
		if m.Schedule.Kind == "plateau" {
			add("model.schedule.kind", "plateau %s", why)
		}
	}
	if t.Epochs < 1 {
		add("trainer.epochs", "must be at least 1, got %d", t.Epochs)
	}
	if t.BatchSize < 1 {
		add("trainer.batch_size", "must be at least 1, got %d", t.BatchSize)
	}
	if t.LR <= 0 {
		add("trainer.lr", "must be positive, got %v", t.LR)
	}
	if t.Resume && t.Name == "" {
		add("trainer.resume", "needs trainer.name to find the run to continue")
	}
	if t.InitFrom != "" {
		if _, err := os.Stat(t.InitFrom); err != nil {
			add("trainer.init_from", "%v", err)
		}
	}
	errs = append(errs, partialProblems(d.Partial)...)
	errs = append(errs, moreProblems(r)...)
	if len(errs) > 0 {
		return &ValidationError{Problems: dedupe(errs)}
	}
	return nil
}

// renamePath maps ml/train's and ml/framework's paths onto this package's config.
func renamePath(l string) string {
	for _, r := range [][2]string{
		{"trainer.optimizer.lr:", "trainer.lr:"},
		{"trainer.optimizer.", "model.optimizer."},
		{"trainer.schedule.", "model.schedule."},
	} {
		if strings.HasPrefix(l, r[0]) {
			return r[1] + l[len(r[0]):]
		}
	}
	return l
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// toFramework builds the ml/framework declaration of a resolved config; progress
// may be nil.
func toFramework(r Config, progress func(train.Progress)) (framework.FCN, error) {
	m, t := r.Model, r.Trainer
	metrics, err := framework.Metrics(m.Metrics...)
	if err != nil {
		return framework.FCN{}, err
	}
	return framework.FCN{
		Net:     m.Net.build(),
		Loss:    netLoss(m),
		Metrics: metrics,
		Trainer: train.Config{
			Epochs: t.Epochs,
			Optimizer: train.Optimizer{Kind: m.Optimizer.Kind, LR: t.LR, WeightDecay: m.Optimizer.WeightDecay, Momentum: m.Optimizer.Momentum,
				Beta1: m.Optimizer.Beta1, Beta2: m.Optimizer.Beta2, Eps: m.Optimizer.Eps},
			Schedule: train.Schedule{Kind: m.Schedule.Kind, WarmupSteps: m.Schedule.WarmupSteps, MinLR: m.Schedule.MinLR,
				Gamma: m.Schedule.Gamma, Factor: m.Schedule.Factor, Patience: m.Schedule.Patience},
			Resume: t.Resume, InitFrom: t.InitFrom, Dir: filepath.Join(t.Root, orString(t.Name, "run"), "checkpoints"),
			ClipNorm: t.ClipNorm, ValEvery: t.ValEvery, SaveEverySteps: t.SaveEverySteps, Monitor: t.Monitor, Patience: t.Patience, Seed: t.Seed,
			Progress: progress,
		},
		Predict: framework.Predict{Window: m.Predict.Window, Overlap: m.Predict.Overlap, BatchSize: m.Predict.BatchSize,
			Output: m.Predict.Output, Threshold: m.Predict.Threshold, ThresholdMethod: m.Predict.ThresholdMethod,
			MinSize: m.Predict.MinSize},
	}, nil
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
// chains of resolved data, and the validation chain.
func chains(d Data, seg bool) (det, random, val transform.Chain, err error) {
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
	val = transform.Chain{&transform.CenterCrop{Size: d.Patch.Size}}
	return det, random, val, nil
}
