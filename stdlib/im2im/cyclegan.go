package im2im

import (
	"strings"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// CycleGAN declares unpaired image translation (mmv_im2im's cyclegan framework;
// model.framework: cyclegan): two generators translate A → B and B → A, two
// discriminators judge each domain, and cycle consistency ties them together,
// so the data need no pairs (data.category: unpair): unsupervised segmentation
// (images ↔ masks of other images), stain or modality transfer without
// registered pairs, synthetic images from masks. Zero values mean the defaults in
// brackets (the CycleGAN paper's).
type CycleGAN struct {
	// Generator is the architecture of both generators (any net); both domains
	// must have its output channel count. [UNet{}]
	Generator Net `yaml:"generator"`
	// Discriminator is the architecture of both discriminators.
	Discriminator PatchGAN `yaml:"discriminator"`
	// Loss weighs the terms, per direction.
	Loss CycleLoss `yaml:"loss"`
	// PoolSize is the number of past fakes per domain the discriminators also
	// learn from (0: the default; negative: none). [50]
	PoolSize int `yaml:"pool_size"`
	// Metrics compare G_AB(A) with B: Evaluate computes them on a paired test
	// set, and validation does on paired data (category pair); unpaired
	// validation images and targets do not correspond, so there the validation
	// loss (cycle consistency) alone is computed and selects the best checkpoint.
	// [none]
	Metrics []string `yaml:"metrics"`
	// Optimizer of each net pair. [adam, betas 0.5/0.999, trainer.lr (2e-4)]
	Optimizer GANOptimizers `yaml:"optimizer"`
	// Schedule of each pair's learning rate. [constant]
	Schedule GANSchedules `yaml:"schedule"`
	// Init is the convolutions' initialisation: normal or kaiming. [normal]
	Init string `yaml:"init"`
	// Direction of prediction: AtoB (A images in, B out) or BtoA. [AtoB]
	Direction string `yaml:"direction"`
	// Predict configures sliding-window prediction with the chosen generator.
	Predict Prediction `yaml:"predict"`
}

// CycleLoss weighs CycleGAN's terms, each per direction.
type CycleLoss struct {
	// GAN is the adversarial criterion: lsgan or vanilla. [lsgan]
	GAN string `yaml:"gan"`
	// Weights of the terms.
	Weights CycleWeights `yaml:"weights"`
}

// CycleWeights weigh CycleGAN's terms.
type CycleWeights struct {
	// GAN weighs the adversarial terms. [1]
	GAN float64 `yaml:"gan"`
	// Cycle weighs cycle consistency, G_BA(G_AB(a)) ≈ a and back. [10]
	Cycle float64 `yaml:"cycle"`
	// Identity weighs G_AB(b) ≈ b and G_BA(a) ≈ a (negative: none). [5]
	Identity float64 `yaml:"identity"`
}

// Framework implements Model.
func (CycleGAN) Framework() string { return "cyclegan" }

func (m CycleGAN) netDims() int {
	if m.Generator == nil {
		return 0
	}
	return m.Generator.config().Dims
}

func (CycleGAN) labels() bool { return false }

func (m CycleGAN) metrics() []string { return m.Metrics }

func (CycleGAN) defaultLR() float64 { return 2e-4 }

func (CycleGAN) netKey() string { return "generator" }

func (CycleGAN) categories() []string { return []string{"unpair", "pair"} }

func (m CycleGAN) rawOutput() Model {
	m.Predict.Output = "raw"
	return m
}

// resolved implements Model: the paper's defaults.
func (m CycleGAN) resolved(dims int, patch []int) Model {
	resolveGAN(&m.Generator, &m.Discriminator, &m.Optimizer, &m.Schedule, &m.Init, &m.Predict, dims)
	l := &m.Loss
	l.GAN = strings.ToLower(orString(l.GAN, loss.GANLSGAN))
	l.Weights.GAN, l.Weights.Cycle, l.Weights.Identity = orFloat(l.Weights.GAN, 1), orFloat(l.Weights.Cycle, 10), orFloat(l.Weights.Identity, 5)
	m.PoolSize = orInt(m.PoolSize, 50)
	m.Metrics = lowerNames(m.Metrics)
	m.Direction = orString(m.Direction, framework.AtoB)
	return m
}

// fcnView is the predicting generator seen as an FCN (see Model.fcnView).
func (m CycleGAN) fcnView() FCN {
	return FCN{Net: m.Generator, Loss: L1{}, Metrics: m.Metrics, Optimizer: m.Optimizer.Generator,
		Schedule: m.Schedule.Generator, Predict: m.Predict}
}

// engine implements Model.
func (m CycleGAN) engine(r Config, dir string, progress func(train.Progress)) (framework.Framework, error) {
	return m.cycleEngine(r, dir, progress)
}

func (m CycleGAN) cycleEngine(r Config, dir string, progress func(train.Progress)) (framework.CycleGAN, error) {
	metrics, err := framework.Metrics(m.Metrics...)
	if err != nil {
		return framework.CycleGAN{}, err
	}
	if r.Data.Category == "unpair" {
		metrics = nil // unpaired validation images and targets do not correspond
	}
	var gen framework.Net
	if m.Generator != nil {
		gen = m.Generator.build()
	}
	w := m.Loss.Weights
	return framework.CycleGAN{
		Generator: gen, Discriminator: nets.PatchGAN(m.Discriminator),
		Criterion: m.Loss.GAN, WeightGAN: w.GAN, WeightCycle: max(w.Cycle, 0), WeightIdentity: max(w.Identity, 0),
		PoolSize: max(m.PoolSize, 0), Metrics: metrics,
		Trainer:    trainConfig(r, m.Optimizer.Generator, m.Schedule.Generator, dir, progress),
		DOptimizer: m.Optimizer.Discriminator.engine(r.Trainer.LR),
		DSchedule:  m.Schedule.Discriminator.engine(),
		Init:       m.Init, Direction: m.Direction,
		Predict: m.Predict.engine(),
	}, nil
}

// problems implements Model.
func (m CycleGAN) problems(r, declared Config) Problems {
	var engine Problems
	if f, err := m.cycleEngine(r, "", nil); err == nil {
		engine = f.Validate()
	}
	var declaredView Model
	if dm, ok := declared.Model.(CycleGAN); ok {
		declaredView = dm.fcnView()
	}
	return ganProblems(r, declared, m.fcnView(), declaredView, m.Discriminator, m.Schedule, engine)
}
