package im2im

import (
	"fmt"
	"strings"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// Pix2Pix declares paired image translation with a conditional GAN (mmv_im2im's
// pix2pix framework; model.framework: pix2pix): a generator maps the input to
// the target's domain (stain or modality transfer, synthetic images) and a
// PatchGAN discriminator judges (input, output) pairs. Every step updates the
// generator, then the discriminator, each with its own optimizer and schedule.
// Zero values mean the defaults in brackets (the pix2pix paper's).
type Pix2Pix struct {
	// Generator is any net (UNet, AttentionUNet, DynUNet, ResNetGenerator);
	// OutChannels must be the target's channels. [UNet{}]
	Generator Net `yaml:"generator"`
	// Discriminator judges (input, output) pairs concatenated on channels.
	Discriminator PatchGAN `yaml:"discriminator"`
	// Loss is the generator's objective.
	Loss GANLoss `yaml:"loss"`
	// Metrics are computed on the generator's validation output: psnr, ssim,
	// pearson, dice, iou. [psnr, ssim]
	Metrics []string `yaml:"metrics"`
	// Optimizer of each net. [adam, betas 0.5/0.999, trainer.lr (2e-4)]
	Optimizer GANOptimizers `yaml:"optimizer"`
	// Schedule of each net's learning rate. [constant]
	Schedule GANSchedules `yaml:"schedule"`
	// Init is the convolutions' initialisation: normal (N(0, 0.02), the papers')
	// or kaiming. [normal]
	Init string `yaml:"init"`
	// Predict configures sliding-window prediction with the generator.
	Predict Prediction `yaml:"predict"`
}

// GANLoss is a GAN generator's objective: the adversarial term, the
// reconstruction of the target, and feature matching over the discriminator's
// layers (pix2pixHD), each weighted.
type GANLoss struct {
	// GAN is the adversarial criterion: vanilla (BCE with logits) or lsgan. [vanilla]
	GAN string `yaml:"gan"`
	// Reconstruction is l1, mse or none. [l1]
	Reconstruction string `yaml:"reconstruction"`
	// Weights of the terms.
	Weights GANWeights `yaml:"weights"`
}

// GANWeights weigh a GAN generator's loss terms.
type GANWeights struct {
	// GAN weighs the adversarial term. [1]
	GAN float64 `yaml:"gan"`
	// Reconstruction weighs the reconstruction term. [100; 0 with reconstruction: none]
	Reconstruction float64 `yaml:"reconstruction"`
	// FeatureMatching weighs feature matching (0: none). [0]
	FeatureMatching float64 `yaml:"feature_matching"`
}

// GANOptimizers are a GAN's optimizers, one per net.
type GANOptimizers struct {
	Generator     Optimizer `yaml:"generator"`
	Discriminator Optimizer `yaml:"discriminator"`
}

// GANSchedules are a GAN's learning-rate schedules, one per net.
type GANSchedules struct {
	Generator     Schedule `yaml:"generator"`
	Discriminator Schedule `yaml:"discriminator"`
}

// Framework implements Model.
func (Pix2Pix) Framework() string { return "pix2pix" }

func (m Pix2Pix) netDims() int {
	if m.Generator == nil {
		return 0
	}
	return m.Generator.config().Dims
}

func (Pix2Pix) labels() bool { return false }

func (m Pix2Pix) metrics() []string { return m.Metrics }

func (Pix2Pix) defaultLR() float64 { return 2e-4 }

func (Pix2Pix) categories() []string { return []string{"pair"} }

func (m Pix2Pix) rawOutput() Model {
	m.Predict.Output = "raw"
	return m
}

// netKey is where the translating net lives in the model section.
func (Pix2Pix) netKey() string { return "generator" }

// resolved implements Model: the paper's defaults.
func (m Pix2Pix) resolved(dims int, patch []int) Model {
	resolveGAN(&m.Generator, &m.Discriminator, &m.Optimizer, &m.Schedule, &m.Init, &m.Predict, dims)
	l := &m.Loss
	l.GAN = strings.ToLower(orString(l.GAN, loss.GANVanilla))
	l.Reconstruction = strings.ToLower(orString(l.Reconstruction, "l1"))
	l.Weights.GAN = orFloat(l.Weights.GAN, 1)
	if l.Reconstruction != "none" {
		l.Weights.Reconstruction = orFloat(l.Weights.Reconstruction, 100)
	}
	if len(m.Metrics) == 0 {
		m.Metrics = []string{"psnr", "ssim"}
	}
	m.Metrics = lowerNames(m.Metrics)
	return m
}

// resolveGAN fills what pix2pix and CycleGAN resolve alike: a U-Net
// generator by default, both nets for dims spatial axes, Adam with β1 0.5
// for both nets, their schedules, normal init, raw-value prediction.
func resolveGAN(gen *Net, disc *PatchGAN, opt *GANOptimizers, sch *GANSchedules, init *string, pred *Prediction, dims int) {
	if *gen == nil {
		*gen = UNet{}
	}
	*gen = (*gen).withDefaults(dims)
	*disc = disc.withDefaults(dims)
	for _, o := range []*Optimizer{&opt.Generator, &opt.Discriminator} {
		o.Beta1 = orFloat(o.Beta1, 0.5)
		*o = o.resolved("adam")
	}
	sch.Generator = sch.Generator.resolved()
	sch.Discriminator = sch.Discriminator.resolved()
	*init = strings.ToLower(orString(*init, "normal"))
	*pred = pred.resolved(false)
}

// lowerNames returns a copy of names in lower case (metric names).
func lowerNames(names []string) []string {
	if names == nil {
		return nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToLower(n)
	}
	return out
}

// reconstruction is the declared reconstruction loss (nil for none).
func (l GANLoss) reconstruction() (Loss, error) {
	switch l.Reconstruction {
	case "l1":
		return L1{}, nil
	case "mse":
		return MSE{}, nil
	case "none":
		return nil, nil
	}
	return nil, fmt.Errorf("model.loss.reconstruction: want l1, mse or none, got %q", l.Reconstruction)
}

// fcnView is the generator seen as an FCN trained with the reconstruction loss:
// what data checks, prediction and evaluation share with FCN.
func (m Pix2Pix) fcnView() FCN {
	rec, _ := m.Loss.reconstruction()
	if rec == nil {
		rec = L1{}
	}
	return FCN{Net: m.Generator, Loss: rec, Metrics: m.Metrics, Optimizer: m.Optimizer.Generator,
		Schedule: m.Schedule.Generator, Predict: m.Predict}
}

// engine implements Model.
func (m Pix2Pix) engine(r Config, dir string, progress func(train.Progress)) (framework.Framework, error) {
	return m.pix2pixEngine(r, dir, progress)
}

func (m Pix2Pix) pix2pixEngine(r Config, dir string, progress func(train.Progress)) (framework.Pix2Pix, error) {
	metrics, err := framework.Metrics(m.Metrics...)
	if err != nil {
		return framework.Pix2Pix{}, err
	}
	rec, err := m.Loss.reconstruction()
	if err != nil {
		return framework.Pix2Pix{}, err
	}
	var recLoss framework.Loss
	w := m.Loss.Weights
	if rec != nil {
		recLoss = rec.build()
	} else {
		w.Reconstruction = 0 // a weight without a loss is reported by problems
	}
	var gen framework.Net
	if m.Generator != nil {
		gen = m.Generator.build()
	}
	return framework.Pix2Pix{
		Generator:     gen,
		Discriminator: nets.PatchGAN(m.Discriminator),
		Loss: framework.GANLoss{Criterion: m.Loss.GAN, Reconstruction: recLoss,
			WeightGAN: w.GAN, WeightRec: w.Reconstruction, WeightFM: w.FeatureMatching},
		Metrics:    metrics,
		Trainer:    trainConfig(r, m.Optimizer.Generator, m.Schedule.Generator, dir, progress),
		DOptimizer: m.Optimizer.Discriminator.engine(r.Trainer.LR),
		DSchedule:  m.Schedule.Discriminator.engine(),
		Init:       m.Init,
		Predict:    m.Predict.engine(),
	}, nil
}

// ganPath maps the engine's paths of a GAN's settings onto this config: the
// generator's optimizer and schedule (trainer.optimizer/schedule in the engine)
// and the discriminator's.
func ganPath(engine string) string {
	for _, r := range [][2]string{
		{"trainer.optimizer", "model.optimizer.generator"},
		{"trainer.schedule", "model.schedule.generator"},
		{"discriminator.optimizer", "model.optimizer.discriminator"},
		{"discriminator.schedule", "model.schedule.discriminator"},
	} {
		if pathWithin(engine, r[0]) {
			return r[1] + engine[len(r[0]):]
		}
	}
	return engine
}

// problems implements Model: the generator's checks as FCN's (placed at
// model.generator), the engine's, and the discriminator against the patch size.
func (m Pix2Pix) problems(r, declared Config) Problems {
	var ps Problems
	if _, err := m.Loss.reconstruction(); err != nil {
		ps.Add("model.loss.reconstruction", "want l1, mse or none, got %q", m.Loss.Reconstruction)
	}
	if m.Loss.Reconstruction == "none" && m.Loss.Weights.Reconstruction != 0 {
		ps.Add("model.loss.weights.reconstruction", "%g but model.loss.reconstruction is none", m.Loss.Weights.Reconstruction)
	}
	var engine Problems
	if f, err := m.pix2pixEngine(r, "", nil); err == nil {
		engine = f.Validate()
	}
	var declaredView Model
	if dm, ok := declared.Model.(Pix2Pix); ok {
		declaredView = dm.fcnView()
	}
	return append(ps, ganProblems(r, declared, m.fcnView(), declaredView, m.Discriminator, m.Schedule, engine)...)
}

// ganProblems checks what the GAN frameworks share: the generator as an FCN
// (view, declaredView: the resolved and the declared model's FCN views; paths
// moved to model.generator), the engine's problems (paths mapped onto this
// config), the discriminator against the patch size, and both schedules.
func ganProblems(r, declared Config, view FCN, declaredView Model, disc PatchGAN, sched GANSchedules, engine Problems) Problems {
	var ps Problems
	d := r.Data
	vr := r
	vr.Model = view
	dv := declared
	dv.Model = declaredView
	for _, p := range view.problems(vr, dv) {
		switch {
		case pathWithin(p.Path, "model.net"):
			p.Path = "model.generator" + p.Path[len("model.net"):]
		case pathWithin(p.Path, "model.loss"), pathWithin(p.Path, "model.optimizer"), pathWithin(p.Path, "model.schedule"):
			continue // the framework's own, checked below at its paths
		}
		ps = append(ps, p)
	}
	for _, p := range engine {
		if pathWithin(p.Path, "model.generator") || pathWithin(p.Path, "model.predict") || pathWithin(p.Path, "model.metrics") {
			continue // the FCN view's
		}
		p.Path = ganPath(p.Path)
		ps = append(ps, p)
	}
	if disc.Dims != d.Dims && (d.Dims == 2 || d.Dims == 3) {
		ps.Add("model.discriminator.dims", "%d but the data is %dD", disc.Dims, d.Dims)
	} else if len(d.Patch.Size) == d.Dims && nets.PatchGAN(disc).Validate() == nil {
		if err := nets.PatchGAN(disc).CheckInput(append([]int{1, 1}, d.Patch.Size...)); err != nil {
			ps.Add("data.patch.size", "%v", err)
		}
	}
	for _, s := range []struct {
		path string
		s    Schedule
	}{{"model.schedule.generator", sched.Generator}, {"model.schedule.discriminator", sched.Discriminator}} {
		if s.s.WarmupSteps != 0 && s.s.Kind != "cosine" {
			ps.Add(s.path+".warmup_steps", "only the cosine schedule warms up; kind is %s", s.s.Kind)
		}
		if d.ValRatio < 0 && d.Val == "" && s.s.Kind == "plateau" {
			ps.Add(s.path+".kind", "plateau %s", noValidation)
		}
	}
	return ps
}
