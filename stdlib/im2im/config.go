package im2im

import (
	"strings"
)

// Config is a whole experiment: data, model and trainer, as in one YAML file.
type Config struct {
	Data    Data    `yaml:"data"`
	Model   FCN     `yaml:"model"`
	Trainer Trainer `yaml:"trainer"`
}

// Resolved returns the configuration with every default filled in: what a run
// actually uses, written to its directory as config.yaml. Resolving twice changes
// nothing.
func (c Config) Resolved() Config {
	d, m, t := c.Data, c.Model, c.Trainer
	d.Category = orString(d.Category, "pair")
	d.Input, d.Target = orString(d.Input, "IM"), orString(d.Target, "GT")
	if d.Dims == 0 {
		switch {
		case len(d.Patch.Size) > 0:
			d.Dims = len(d.Patch.Size)
		case m.Net != nil && m.Net.dims() != 0:
			d.Dims = m.Net.dims()
		default:
			d.Dims = 2
		}
	}
	if len(d.Patch.Size) == 0 && (d.Dims == 2 || d.Dims == 3) {
		for i := 0; i < d.Dims; i++ {
			d.Patch.Size = append(d.Patch.Size, 64)
		}
	}
	d.Patch.PerImage = orInt(d.Patch.PerImage, 4)
	if d.Normalize == nil {
		d.Normalize = Percentile(1, 99.8)
	}
	d.Preprocess = cloneTransforms(d.Preprocess)
	d.Augment = cloneTransforms(d.Augment)
	if d.ValRatio == 0 {
		d.ValRatio = 0.1
	}
	d.Workers = orInt(d.Workers, 2)
	d.Partial = d.Partial.resolved()
	t.Root = orString(t.Root, "runs")
	if d.Store == "" {
		d.Store = t.Root + "/.store"
	}

	if m.Net == nil {
		m.Net = UNet{}
	}
	m.Net = withNetDefaults(m.Net, d.Dims)
	if m.Loss == nil {
		if m.Net.outChannels() >= 2 {
			m.Loss = DiceCE{}
		} else {
			m.Loss = MSE{}
		}
	}
	seg := m.Loss.segmentation()
	if d.Patch.PosFraction == 0 && seg {
		d.Patch.PosFraction = 0.5
	}
	if len(m.Metrics) == 0 {
		if seg {
			m.Metrics = []string{"dice"}
		} else {
			m.Metrics = []string{"psnr"}
		}
	}
	m.Metrics = append([]string(nil), m.Metrics...)
	for i, n := range m.Metrics {
		m.Metrics[i] = strings.ToLower(n)
	}
	o := &m.Optimizer
	o.Kind = strings.ToLower(orString(o.Kind, "adamw"))
	if o.Kind == "adamw" && o.WeightDecay == 0 {
		o.WeightDecay = 1e-2
	}
	if o.Kind == "adam" || o.Kind == "adamw" {
		o.Beta1, o.Beta2, o.Eps = orFloat(o.Beta1, 0.9), orFloat(o.Beta2, 0.999), orFloat(o.Eps, 1e-8)
	}
	s := &m.Schedule
	s.Kind = strings.ToLower(orString(s.Kind, "constant"))
	s.Gamma, s.Factor, s.Patience = orFloat(s.Gamma, 0.95), orFloat(s.Factor, 0.1), orInt(s.Patience, 2)
	p := &m.Predict
	p.Overlap, p.BatchSize, p.Threshold = orFloat(p.Overlap, 0.25), orInt(p.BatchSize, 4), orFloat(p.Threshold, 0.5)
	p.ThresholdMethod = strings.ToLower(orString(p.ThresholdMethod, "fixed"))
	p.DType = strings.ToLower(p.DType)
	p.Channels = append([]int(nil), p.Channels...)
	if p.Output == "" {
		p.Output = "raw"
		if seg {
			p.Output = "labels"
		}
	}
	if len(p.Window) == 0 {
		p.Window = append([]int(nil), d.Patch.Size...)
	}

	t.Epochs, t.BatchSize, t.LR = orInt(t.Epochs, 10), orInt(t.BatchSize, 8), orFloat(t.LR, 1e-3)
	t.ValEvery = orInt(t.ValEvery, 1)
	if t.Monitor == "" {
		t.Monitor = m.Metrics[0]
	}
	if t.ImageEvery == 0 {
		t.ImageEvery = max(1, t.Epochs/5)
	}
	return Config{Data: d, Model: m, Trainer: t}
}

func cloneTransforms(ts []Transform) []Transform {
	if len(ts) == 0 {
		return []Transform{}
	}
	return append([]Transform(nil), ts...)
}
