package im2im

import (
	"strings"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/train"
)

// FCN declares a fully-convolutional model (mmv_im2im's FCN framework): network,
// loss, validation metrics, optimizer, learning-rate schedule and how it predicts
// whole images. Zero values mean the defaults in brackets.
type FCN struct {
	// Net is the network. [UNet{}]
	Net Net `yaml:"net"`
	// Loss is the training loss. [DiceCE{} when Net has ≥ 2 output channels, else MSE{}]
	Loss Loss `yaml:"loss"`
	// Metrics are computed on the validation data: dice, iou, psnr, ssim, pearson.
	// [dice for segmentation losses, psnr for regression]
	Metrics []string `yaml:"metrics"`
	// Optimizer updates the weights (the learning rate is Trainer.LR).
	Optimizer Optimizer `yaml:"optimizer"`
	// Schedule changes the learning rate over training.
	Schedule Schedule `yaml:"schedule"`
	// Predict configures sliding-window prediction of whole images.
	Predict Prediction `yaml:"predict"`
}

// Model is a model declaration: one value per framework (model.framework in
// YAML). FCN is the first; pix2pix, CycleGAN, EmbedSeg and ProbUnet follow the
// same pattern: a struct in the cell, accepted by Train.
type Model interface {
	// Framework is the model's category: fcn (more to come).
	Framework() string
	// netDims is the spatial rank the net declares (0: not declared).
	netDims() int
	// resolved fills the defaults for data of dims spatial axes cut in patches of
	// patch.
	resolved(dims int, patch []int) Model
	// labels says whether training targets are class labels (segmentation).
	labels() bool
	// metrics lists the validation metrics (the first is the default monitor).
	metrics() []string
	// problems lists the model section's problems of the resolved config r
	// (declared is the config as given, before defaults).
	problems(r, declared Config) Problems
	// engine builds the ml/framework declaration of the resolved config r,
	// checkpointing into dir ("": the default run folder).
	engine(r Config, dir string, progress func(train.Progress)) (framework.Framework, error)
	// fcnView is the model's image-predicting net seen as an FCN: what data
	// checks, prediction and evaluation share (FCN: itself).
	fcnView() FCN
	// netKey is that net's key in the model section (net, generator).
	netKey() string
	// defaultLR is trainer.lr's default for this framework.
	defaultLR() float64
	// rawOutput is the model predicting raw network outputs (for evaluation).
	rawOutput() Model
	// categories lists the data categories the framework trains on.
	categories() []string
}

// frameworks are the model declarations by model.framework name.
var frameworks = map[string]Model{"fcn": FCN{}, "pix2pix": Pix2Pix{}, "cyclegan": CycleGAN{}, "probunet": ProbUnet{}, "embedseg": EmbedSeg{}}

// Framework implements Model.
func (FCN) Framework() string { return "fcn" }

func (m FCN) fcnView() FCN { return m }

func (FCN) netKey() string { return "net" }

func (FCN) defaultLR() float64 { return 1e-3 }

func (FCN) categories() []string { return []string{"pair"} }

func (m FCN) rawOutput() Model {
	m.Predict.Output = "raw"
	return m
}

func (m FCN) netDims() int {
	if m.Net == nil {
		return 0
	}
	return m.Net.config().Dims
}

func (m FCN) labels() bool { return m.Loss != nil && m.Loss.segmentation() }

func (m FCN) metrics() []string { return m.Metrics }

// resolved implements Model: FCN's defaults.
func (m FCN) resolved(dims int, patch []int) Model {
	if m.Net == nil {
		m.Net = UNet{}
	}
	m.Net = m.Net.withDefaults(dims)
	if m.Loss == nil {
		if m.Net.config().OutChannels >= 2 {
			m.Loss = DiceCE{}
		} else {
			m.Loss = MSE{}
		}
	}
	seg := m.Loss.segmentation()
	if len(m.Metrics) == 0 {
		if seg {
			m.Metrics = []string{"dice"}
		} else {
			m.Metrics = []string{"psnr"}
		}
	}
	m.Metrics = lowerNames(m.Metrics)
	m.Optimizer = m.Optimizer.resolved("adamw")
	m.Schedule = m.Schedule.resolved()
	m.Predict = m.Predict.resolved(seg)
	return m
}

// resolved fills an optimizer's defaults (kind: the framework's default kind).
func (o Optimizer) resolved(kind string) Optimizer {
	o.Kind = strings.ToLower(orString(o.Kind, kind))
	if o.Kind == "adamw" && o.WeightDecay == 0 {
		o.WeightDecay = 1e-2
	}
	if o.Kind == "adam" || o.Kind == "adamw" {
		o.Beta1, o.Beta2, o.Eps = orFloat(o.Beta1, 0.9), orFloat(o.Beta2, 0.999), orFloat(o.Eps, 1e-8)
	}
	return o
}

// resolved fills a schedule's defaults.
func (s Schedule) resolved() Schedule {
	s.Kind = strings.ToLower(orString(s.Kind, "constant"))
	s.Gamma, s.Factor, s.Patience = orFloat(s.Gamma, 0.95), orFloat(s.Factor, 0.1), orInt(s.Patience, 2)
	return s
}

// resolved fills the prediction defaults: labels for segmentation (seg), raw
// values otherwise. An empty window stays empty: it is chosen per image
// (framework.ChooseWindow), never silently the training patch.
func (p Prediction) resolved(seg bool) Prediction {
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
	p.Window = append([]int(nil), p.Window...)
	p.MaxVoxels = orInt(p.MaxVoxels, framework.DefaultMaxVoxels)
	p.TTA = strings.ToLower(orString(p.TTA, framework.TTANone))
	return p
}

// Optimizer configures the weight update.
type Optimizer struct {
	// Kind is adamw, adam or sgd. [adamw; adam for GANs]
	Kind string `yaml:"kind"`
	// LR is this optimizer's learning rate. [trainer.lr]
	LR float64 `yaml:"lr,omitempty"`
	// WeightDecay is decoupled for AdamW, L2 otherwise. [1e-2 for adamw, 0 otherwise]
	WeightDecay float64 `yaml:"weight_decay"`
	// Momentum for SGD. [0]
	Momentum float64 `yaml:"momentum"`
	// Beta1 and Beta2 are Adam's moment decay rates, in [0, 1) (adam and adamw
	// only; sgd ignores them). [0.9, 0.999]
	Beta1 float64 `yaml:"beta1"`
	Beta2 float64 `yaml:"beta2"`
	// Eps is Adam's denominator term (adam and adamw only). [1e-8]
	Eps float64 `yaml:"eps"`
}

// Schedule configures the learning rate over training.
type Schedule struct {
	// Kind is constant, cosine, exponential or plateau. [constant]
	Kind string `yaml:"kind"`
	// WarmupSteps ramps the rate up linearly (cosine only; refused otherwise).
	WarmupSteps int `yaml:"warmup_steps"`
	// MinLR is the floor of cosine and plateau.
	MinLR float64 `yaml:"min_lr"`
	// Gamma multiplies the rate every epoch (exponential). [0.95]
	Gamma float64 `yaml:"gamma"`
	// Factor and Patience drive plateau: multiply by Factor after Patience
	// validations without improvement. [0.1, 2]
	Factor   float64 `yaml:"factor"`
	Patience int     `yaml:"patience"`
}

// Prediction configures prediction of whole images in sliding windows.
type Prediction struct {
	// Window per spatial axis. [chosen per image: the whole image when it has at
	// most MaxVoxels voxels, else the largest window (a multiple of the net's
	// down-sampling factor) under that budget; see framework.ChooseWindow]
	Window []int `yaml:"window"`
	// MaxVoxels is the memory budget of one network run (windows × window
	// voxels) when Window is not set. [framework.DefaultMaxVoxels: 1048576]
	MaxVoxels int `yaml:"max_voxels"`
	// Overlap of neighbouring windows, in [0, 1). [0.25]
	Overlap float64 `yaml:"overlap"`
	// BatchSize windows per network run. [4]
	BatchSize int `yaml:"batch_size"`
	// Output is raw, prob or labels. [labels for segmentation, raw otherwise]
	Output string `yaml:"output"`
	// Threshold for one-channel labels when ThresholdMethod is fixed. [0.5]
	Threshold float64 `yaml:"threshold"`
	// ThresholdMethod for one-channel labels: fixed (probability > Threshold) or
	// otsu (Otsu's level of each predicted image's probabilities). [fixed]
	ThresholdMethod string `yaml:"threshold_method"`
	// MinSize removes smaller foreground components from labels (voxels);
	// for EmbedSeg, smaller instances after clustering. [0; embedseg_3d: 150]
	MinSize int `yaml:"min_size"`
	// Channels lists the image channels fed to the net, in order, e.g. [0, 2].
	// [all channels of the image; their number must be the net's input channels]
	Channels []int `yaml:"channels"`
	// DType of the written prediction: float32, uint8 or uint16 (integer types
	// round to nearest and clamp; refused for prob, whose values lie in [0, 1]).
	// [uint8 for labels of up to 256 classes, uint16 beyond; float32 for prob and raw]
	DType string `yaml:"dtype"`
	// TTA is test-time augmentation: none, flips (every combination of flipped
	// axes) or flips+rot90 (also 90° rotations in the YX plane). Predictions of
	// the transformed windows are transformed back and averaged (as
	// probabilities for prob and labels), and their variance is written as
	// <stem>_uncertainty.ome.tiff. For probunet, every transform's window
	// carries the prior samples: the mean and the entropy/mutual information
	// (or std) cover all of them. [none]
	TTA string `yaml:"tta"`
}
