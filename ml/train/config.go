package train

import (
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Optimizer configures the parameter update. The zero value is AdamW with learning
// rate 1e-3 and weight decay 1e-2.
type Optimizer struct {
	// Kind is "adamw" (default), "adam" or "sgd".
	Kind string `yaml:"kind"`
	// LR is the base learning rate (default 1e-3).
	LR float64 `yaml:"lr"`
	// WeightDecay is decoupled (AdamW, default 1e-2) or added to the gradient as L2
	// (Adam, SGD; default 0).
	WeightDecay float64 `yaml:"weight_decay"`
	// Beta1 and Beta2 are Adam's moment decay rates (defaults 0.9 and 0.999).
	Beta1 float64 `yaml:"beta1"`
	Beta2 float64 `yaml:"beta2"`
	// Eps is Adam's denominator term (default 1e-8).
	Eps float64 `yaml:"eps"`
	// Momentum is SGD's momentum (default 0); Nesterov selects Nesterov momentum.
	Momentum float64 `yaml:"momentum"`
	Nesterov bool    `yaml:"nesterov"`
}

// Schedule configures the learning rate over training. The zero value keeps it constant.
type Schedule struct {
	// Kind is "constant" (default), "exponential", "cosine" or "plateau".
	Kind string `yaml:"kind"`
	// Gamma multiplies the rate after every epoch ("exponential"; default 0.95).
	Gamma float64 `yaml:"gamma"`
	// WarmupSteps ramps the rate linearly from base/WarmupSteps to base ("cosine").
	WarmupSteps int `yaml:"warmup_steps"`
	// MinLR is the floor of "cosine" and "plateau".
	MinLR float64 `yaml:"min_lr"`
	// Factor multiplies the rate when the monitored value stalls ("plateau"; default 0.1).
	Factor float64 `yaml:"factor"`
	// Patience is the number of validations without improvement before reducing
	// ("plateau"; default 2).
	Patience int `yaml:"patience"`
	// Threshold is the relative improvement that counts ("plateau"; default 1e-4).
	Threshold float64 `yaml:"threshold"`
}

// Config configures a training run. Zero values mean defaults.
type Config struct {
	// Epochs to train (default 10).
	Epochs int `yaml:"epochs"`
	// Optimizer and Schedule of the learning rate.
	Optimizer Optimizer `yaml:"optimizer"`
	Schedule  Schedule  `yaml:"schedule"`
	// ClipNorm rescales the gradients so that their global L2 norm is at most this
	// (0: no clipping).
	ClipNorm float64 `yaml:"clip_norm"`
	// ValEvery validates every this many epochs (default 1); the last epoch is always
	// validated when there is validation data.
	ValEvery int `yaml:"val_every"`
	// Monitor names the validation value that selects the best checkpoint, drives
	// early stopping and the plateau schedule: "loss" (default) or a metric name.
	Monitor string `yaml:"monitor"`
	// Patience stops training after this many validations without improvement of
	// Monitor (0: no early stopping).
	Patience int `yaml:"patience"`
	// Dir receives best.ckpt and last.ckpt ("" : no checkpoints).
	Dir string `yaml:"dir"`
	// SaveEverySteps also writes last.ckpt every this many steps, so a killed run loses
	// at most that many steps (0: only at the end of every epoch).
	SaveEverySteps int `yaml:"save_every_steps"`
	// Resume continues from Dir/last.ckpt when it exists.
	Resume bool `yaml:"resume"`
	// InitFrom is a checkpoint whose weights are loaded where name and shape match
	// the model (fine-tuning); other weights keep their initial values.
	InitFrom string `yaml:"init_from"`
	// InitInto, with InitFrom, loads the checkpoint strictly into the variables
	// below this scope only (a GAN's "/generator"), from a checkpoint of the same
	// model or of the net alone (an FCN run's); see Trainer.Fit.
	InitInto string `yaml:"-"`
	// InitWeights, with InitFrom, are the weights to initialise from by scope
	// and name, used instead of reading InitFrom as a checkpoint (e.g. converted
	// from a model package's ONNX weights, which InitFrom names). Each must fit
	// the model's variable of its name in shape; model variables without one
	// keep their initial values (InitInto: every one needs one).
	InitWeights map[string]*tensors.Tensor `yaml:"-"`
	// Seed fixes weight initialisation, dropout and the data order (same seed and
	// backend give the same loss curve).
	Seed int64 `yaml:"seed"`
	// Devices > 1 splits every training step's batch over that many devices of
	// the backend (data-parallel; XLA backends with several GPUs only, and the
	// batch size a multiple of it; untested until a multi-GPU machine is lent).
	// 0 or 1: one device.
	Devices int `yaml:"devices"`
	// Progress, if set, is called after every step and every validation.
	Progress func(Progress) `yaml:"-"`
}

// withDefaults returns the configuration with zero values replaced by defaults.
func (c Config) withDefaults() Config {
	if c.Epochs == 0 {
		c.Epochs = 10
	}
	if c.ValEvery == 0 {
		c.ValEvery = 1
	}
	if c.Monitor == "" {
		c.Monitor = "loss"
	}
	o := &c.Optimizer
	o.Kind = strings.ToLower(o.Kind)
	if o.Kind == "" {
		o.Kind = "adamw"
	}
	if o.LR == 0 {
		o.LR = 1e-3
	}
	if o.Kind == "adamw" && o.WeightDecay == 0 {
		o.WeightDecay = 1e-2
	}
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.999
	}
	if o.Eps == 0 {
		o.Eps = 1e-8
	}
	s := &c.Schedule
	s.Kind = strings.ToLower(s.Kind)
	if s.Kind == "" {
		s.Kind = "constant"
	}
	if s.Gamma == 0 {
		s.Gamma = 0.95
	}
	if s.Factor == 0 {
		s.Factor = 0.1
	}
	if s.Patience == 0 {
		s.Patience = 2
	}
	if s.Threshold == 0 {
		s.Threshold = 1e-4
	}
	return c
}

// Validate reports every problem of the configuration at once (nil when
// valid), each with its path (for example "trainer.optimizer.lr: must be
// positive, got -1").
func (c Config) Validate(metricNames []string) error { return c.Problems(metricNames).Err() }

// Problems lists every problem of the configuration, each with its path below
// "trainer." (for example {trainer.optimizer.lr, must be positive, got -1}).
func (c Config) Problems(metricNames []string) Problems {
	c = c.withDefaults()
	var errs Problems
	add := func(path, format string, args ...any) { errs.Add("trainer."+path, format, args...) }
	if c.Epochs < 0 {
		add("epochs", "must be positive, got %d", c.Epochs)
	}
	if c.ValEvery < 0 {
		add("val_every", "must be positive, got %d", c.ValEvery)
	}
	if c.ClipNorm < 0 {
		add("clip_norm", "must not be negative, got %v", c.ClipNorm)
	}
	if c.Patience < 0 {
		add("patience", "must not be negative, got %d", c.Patience)
	}
	if c.Devices < 0 {
		add("devices", "must not be negative, got %d", c.Devices)
	}
	if c.SaveEverySteps < 0 {
		add("save_every_steps", "must not be negative, got %d", c.SaveEverySteps)
	}
	if c.Resume && c.Dir == "" {
		add("resume", "needs trainer.dir to find last.ckpt")
	}
	if c.Monitor != "loss" && !contains(metricNames, c.Monitor) {
		add("monitor", "%q is neither \"loss\" nor a metric (%s)", c.Monitor, strings.Join(metricNames, ", "))
	}
	o := c.Optimizer
	switch o.Kind {
	case "adamw", "adam", "sgd":
	default:
		add("optimizer.kind", "want adamw, adam or sgd, got %q", o.Kind)
	}
	if o.LR < 0 {
		add("optimizer.lr", "must be positive, got %v", o.LR)
	}
	if o.WeightDecay < 0 {
		add("optimizer.weight_decay", "must not be negative, got %v", o.WeightDecay)
	}
	if o.Beta1 < 0 || o.Beta1 >= 1 {
		add("optimizer.beta1", "must be in [0, 1), got %v", o.Beta1)
	}
	if o.Beta2 < 0 || o.Beta2 >= 1 {
		add("optimizer.beta2", "must be in [0, 1), got %v", o.Beta2)
	}
	if o.Eps < 0 {
		add("optimizer.eps", "must be positive, got %v", o.Eps)
	}
	if o.Momentum < 0 || o.Momentum >= 1 {
		add("optimizer.momentum", "must be in [0, 1), got %v", o.Momentum)
	}
	s := c.Schedule
	switch s.Kind {
	case "constant", "exponential", "cosine", "plateau":
	default:
		add("schedule.kind", "want constant, exponential, cosine or plateau, got %q", s.Kind)
	}
	if s.Gamma < 0 || s.Gamma > 1 {
		add("schedule.gamma", "must be in (0, 1], got %v", s.Gamma)
	}
	if s.WarmupSteps < 0 {
		add("schedule.warmup_steps", "must not be negative, got %d", s.WarmupSteps)
	}
	if s.MinLR < 0 {
		add("schedule.min_lr", "must not be negative, got %v", s.MinLR)
	}
	if s.Factor < 0 || s.Factor >= 1 {
		add("schedule.factor", "must be in (0, 1), got %v", s.Factor)
	}
	if s.Patience < 0 {
		add("schedule.patience", "must not be negative, got %d", s.Patience)
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
