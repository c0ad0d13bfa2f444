package im2im

// Config is a whole experiment: data, model and trainer, as in one YAML file.
type Config struct {
	Data Data `yaml:"data"`
	// Model is FCN{...} (model.framework: fcn, the default) or another framework's
	// declaration.
	Model   Model   `yaml:"model"`
	Trainer Trainer `yaml:"trainer"`
}

// fcn returns the model's image-predicting net as an FCN declaration (see
// Model.fcnView; the zero FCN without a model).
func (c Config) fcn() FCN {
	if c.Model == nil {
		return FCN{}
	}
	return c.Model.fcnView()
}

// Resolved returns the configuration with every default filled in: what a run
// actually uses, written to its directory as config.yaml. Resolving twice changes
// nothing.
func (c Config) Resolved() Config {
	d, m, t := c.Data, c.Model, c.Trainer
	if m == nil {
		m = FCN{}
	}
	d.Category = orString(d.Category, "pair")
	d.Input, d.Target = orString(d.Input, "IM"), orString(d.Target, "GT")
	if d.Dims == 0 {
		switch {
		case len(d.Patch.Size) > 0:
			d.Dims = len(d.Patch.Size)
		case m.netDims() != 0:
			d.Dims = m.netDims()
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

	m = m.resolved(d.Dims, d.Patch.Size)
	if _, instances := m.(EmbedSeg); d.Patch.PosFraction == 0 && (m.labels() || instances) {
		d.Patch.PosFraction = 0.5
	}

	t.Epochs, t.BatchSize, t.LR = orInt(t.Epochs, 10), orInt(t.BatchSize, 8), orFloat(t.LR, m.defaultLR())
	t.ValEvery = orInt(t.ValEvery, 1)
	// Metrics on unpaired validation data compare unrelated images: the loss
	// (CycleGAN's cycle consistency) selects the best checkpoint there.
	if t.Monitor == "" && len(m.metrics()) > 0 && d.Category != "unpair" {
		t.Monitor = m.metrics()[0]
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
