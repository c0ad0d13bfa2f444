package im2im

import (
	"strings"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// ProbUnet declares a probabilistic U-Net (Kohl et al.; mmv_im2im's ProbUnet
// framework; model.framework: probunet): a U-Net, a prior and a posterior net
// over a small latent space, and a combiner (1×1 convolutions with ReLU)
// that turns the U-Net's features and a latent sample into the output.
// Prediction averages Samples draws from the prior and writes, beside each
// <name>_pred.ome.tiff, <name>_uncertainty.ome.tiff: for segmentation the
// predictive entropy (channel 0) and the mutual information between the
// prediction and the latent (channel 1), both in [0, 1]; for regression the
// per-voxel standard deviation over samples. Zero values mean the defaults
// in brackets (frameworks.md §4, except a combiner with ReLUs).
type ProbUnet struct {
	// Net is the backbone, a UNet; its encoder settings also build the prior
	// and posterior nets. [UNet{}]
	Net Net `yaml:"net"`
	// Loss is the reconstruction term: a segmentation loss (ce, dice_ce, ...)
	// or a regression one (mse, l1, huber). [dice_ce when Net has ≥ 2 output
	// channels, else mse]
	Loss Loss `yaml:"loss"`
	// LatentDim is the latent space's size. [6]
	LatentDim int `yaml:"latent_dim"`
	// Beta weighs KL(posterior‖prior) against the reconstruction. [1]
	Beta float64 `yaml:"beta"`
	// KLClamp bounds both log-variances inside the KL term. [20]
	KLClamp float64 `yaml:"kl_clamp"`
	// Samples is the number of prior samples prediction averages. [8]
	Samples int `yaml:"samples"`
	// Metrics are computed on validation data, with the prior mean's
	// prediction. [dice for segmentation, psnr for regression]
	Metrics []string `yaml:"metrics"`
	// Optimizer updates the weights (the learning rate is Trainer.LR).
	Optimizer Optimizer `yaml:"optimizer"`
	// Schedule changes the learning rate over training.
	Schedule Schedule `yaml:"schedule"`
	// Predict configures sliding-window prediction of whole images.
	Predict Prediction `yaml:"predict"`
}

// Framework implements Model.
func (ProbUnet) Framework() string { return "probunet" }

func (m ProbUnet) netDims() int { return m.fcnView().netDims() }

func (m ProbUnet) labels() bool { return m.fcnView().labels() }

func (m ProbUnet) metrics() []string { return m.Metrics }

func (ProbUnet) netKey() string { return "net" }

func (ProbUnet) defaultLR() float64 { return 1e-3 }

func (ProbUnet) categories() []string { return []string{"pair"} }

func (m ProbUnet) rawOutput() Model {
	m.Predict.Output = "raw"
	return m
}

// fcnView is the backbone and reconstruction loss seen as an FCN: what data
// checks, prediction and evaluation share with FCN.
func (m ProbUnet) fcnView() FCN {
	return FCN{Net: m.Net, Loss: m.Loss, Metrics: m.Metrics, Optimizer: m.Optimizer, Schedule: m.Schedule, Predict: m.Predict}
}

// resolved implements Model: FCN's defaults for the backbone, loss,
// metrics, optimizer and prediction, and the spec's for the latent space.
func (m ProbUnet) resolved(dims int, patch []int) Model {
	f := m.fcnView().resolved(dims, patch).(FCN)
	m.Net, m.Loss, m.Metrics, m.Optimizer, m.Schedule, m.Predict = f.Net, f.Loss, f.Metrics, f.Optimizer, f.Schedule, f.Predict
	m.LatentDim = orInt(m.LatentDim, framework.DefaultLatentDim)
	m.Beta = orFloat(m.Beta, 1)
	m.KLClamp = orFloat(m.KLClamp, framework.DefaultKLClamp)
	m.Samples = orInt(m.Samples, framework.DefaultSamples)
	return m
}

// engine implements Model.
func (m ProbUnet) engine(r Config, dir string, progress func(train.Progress)) (framework.Framework, error) {
	return m.probEngine(r, dir, progress)
}

func (m ProbUnet) probEngine(r Config, dir string, progress func(train.Progress)) (framework.ProbUnet, error) {
	metrics, err := framework.Metrics(m.Metrics...)
	if err != nil {
		return framework.ProbUnet{}, err
	}
	var net nets.UNet
	if u, ok := m.Net.(UNet); ok {
		net = nets.UNet(u)
	}
	var l framework.Loss
	if m.Loss != nil {
		l = m.Loss.build()
	}
	return framework.ProbUnet{
		Net: net, Loss: l, Segmentation: m.labels(),
		LatentDim: m.LatentDim, Beta: m.Beta, KLClamp: m.KLClamp, Samples: m.Samples,
		Metrics: metrics,
		Trainer: trainConfig(r, m.Optimizer, m.Schedule, dir, progress),
		Predict: m.Predict.engine(),
	}, nil
}

// problems implements Model: the backbone's checks as FCN's, a UNet backbone,
// and the latent settings.
func (m ProbUnet) problems(r, declared Config) Problems {
	vr, dv := r, declared
	vr.Model = m.fcnView()
	if dm, ok := declared.Model.(ProbUnet); ok {
		dv.Model = dm.fcnView()
	}
	ps := m.fcnView().problems(vr, dv)
	if m.Net != nil && m.Net.Kind() != "unet" {
		ps.Add("model.net.kind", "probunet's backbone is a unet, got %s", m.Net.Kind())
	}
	f, err := m.probEngine(r, "", nil)
	if err != nil {
		return ps // an unknown metric, reported by the FCN view
	}
	for _, p := range f.Validate() {
		for _, own := range []string{"model.latent_dim", "model.beta", "model.kl_clamp", "model.samples", "model.predict.tta"} {
			if strings.HasPrefix(p.Path, own) {
				ps = append(ps, p)
			}
		}
	}
	return ps
}
