package im2im

import (
	"strings"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/instance"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// EmbedSeg declares instance segmentation by spatial embeddings (mmv_im2im's
// embedseg framework; model.framework: embedseg; data.category: embedseg):
// touching nuclei and cells become separate objects. The net predicts per
// voxel an offset to its object's centre, a bandwidth and a seed score;
// prediction clusters them into instance labels (uint16) on the CPU, over the
// whole image at once however it is tiled. Targets are instance label images
// (0 background, one id per object); their centre images are computed once
// and cached in the patch store. Validation clusters every validation crop
// and reports instance metrics (ap50: average precision at IoU 0.5, as in the
// DSB 2018 and StarDist). Zero values mean the defaults in brackets.
type EmbedSeg struct {
	// Net is BranchedERFNet (the default) or a U-Net whose OutChannels is
	// 2·dims+1 (offsets, sigmas, seed); a U-Net's head starts as
	// BranchedERFNet's output layer (offsets 0, sigma biases 1).
	// [BranchedERFNet{}]
	Net Net `yaml:"net"`
	// ForegroundWeight weighs the seed term inside objects. [10]
	ForegroundWeight float64 `yaml:"foreground_weight"`
	// MaxInstances is the most objects one training crop can hold; further
	// objects are left out of the loss; the loss costs time in proportion. [32]
	MaxInstances int `yaml:"max_instances"`
	// CenterMethod chooses each object's centre: centroid,
	// approximate-medoid (the object voxel nearest its per-axis median) or
	// medoid. [approximate-medoid]
	CenterMethod string `yaml:"center_method"`
	// GridStep is the embedding units per voxel in Y and X (mmv's 1/(grid−1)).
	// [1/1023]
	GridStep float64 `yaml:"grid_step"`
	// Anisotropy is the z spacing over the xy spacing of 3D data: one z step
	// counts as Anisotropy xy steps in embedding space. [1]
	Anisotropy float64 `yaml:"anisotropy"`
	// Cluster configures the clustering of predictions and validation crops.
	Cluster Clustering `yaml:"cluster"`
	// Metrics are computed on validation crops by clustering them: ap50,
	// ap75, map (mean AP over IoU 0.5…0.9), f1, matched_iou. [ap50]
	Metrics []string `yaml:"metrics"`
	// Optimizer updates the weights (the learning rate is Trainer.LR).
	Optimizer Optimizer `yaml:"optimizer"`
	// Schedule changes the learning rate over training.
	Schedule Schedule `yaml:"schedule"`
	// Predict configures sliding-window prediction; Output is labels
	// (instances) or raw (the net's offsets, sigmas and seed logits); MinSize
	// removes the instances of fewer voxels after clustering (prediction and
	// validation). [labels]
	Predict Prediction `yaml:"predict"`
}

// Clustering configures EmbedSeg's clustering (frameworks.md §3.6). Zero
// values mean the defaults in brackets.
type Clustering struct {
	// SeedThresh is the lowest seed score that starts an object. [0.5]
	SeedThresh float64 `yaml:"seed_thresh"`
	// FgThresh is the seed score above which a voxel is foreground. [0.5]
	FgThresh float64 `yaml:"fg_thresh"`
	// MinMaskSum: images with at most this many foreground voxels have no
	// objects. [5 in 2D, 64 in 3D]
	MinMaskSum int `yaml:"min_mask_sum"`
	// MinUnclusteredSum stops clustering when at most this many foreground
	// voxels are left. [0 in 2D, 20 in 3D]
	MinUnclusteredSum int `yaml:"min_unclustered_sum"`
	// MinObjectSize drops proposals of at most this many voxels. [5 in 2D, 3 in 3D]
	MinObjectSize int `yaml:"min_object_size"`
}

// Framework implements Model.
func (EmbedSeg) Framework() string { return "embedseg" }

func (m EmbedSeg) netDims() int {
	if m.Net == nil {
		return 0
	}
	return m.Net.config().Dims
}

// labels is false: targets are instance ids, not classes (no class count).
func (EmbedSeg) labels() bool { return false }

func (m EmbedSeg) metrics() []string { return m.Metrics }

func (EmbedSeg) netKey() string { return "net" }

func (EmbedSeg) defaultLR() float64 { return 5e-4 }

func (EmbedSeg) categories() []string { return []string{"embedseg"} }

func (m EmbedSeg) rawOutput() Model {
	m.Predict.Output = "raw"
	return m
}

// fcnView is the net and prediction seen as an FCN (data checks, windows).
// Instance labels are written as uint16 unless model.predict.dtype says
// otherwise (the net's channel count says nothing about the number of objects).
func (m EmbedSeg) fcnView() FCN {
	p := m.Predict
	if p.Output == "labels" && p.DType == "" {
		p.DType = "uint16"
	}
	return FCN{Net: m.Net, Optimizer: m.Optimizer, Schedule: m.Schedule, Predict: p}
}

// resolved implements Model.
func (m EmbedSeg) resolved(dims int, patch []int) Model {
	if m.Net == nil {
		m.Net = BranchedERFNet{}
	}
	m.Net = m.Net.withDefaults(dims)
	m.ForegroundWeight = orFloat(m.ForegroundWeight, 10)
	m.MaxInstances = orInt(m.MaxInstances, 32)
	m.CenterMethod = strings.ToLower(orString(m.CenterMethod, "approximate-medoid"))
	m.GridStep = orFloat(m.GridStep, loss.DefaultEmbeddingStep)
	m.Anisotropy = orFloat(m.Anisotropy, 1)
	m.Cluster = m.Cluster.fromEngine(m.Cluster.engine(m.Net.config().Dims).WithDefaults())
	if len(m.Metrics) == 0 {
		m.Metrics = []string{"ap50"}
	}
	m.Metrics = lowerNames(m.Metrics)
	m.Optimizer = m.Optimizer.resolved("adam")
	m.Schedule = m.Schedule.resolved()
	m.Predict.Output = orString(m.Predict.Output, "labels")
	m.Predict = m.Predict.resolved(false)
	return m
}

// engine implements Model.
func (m EmbedSeg) engine(r Config, dir string, progress func(train.Progress)) (framework.Framework, error) {
	return m.embedEngine(r, dir, progress), nil
}

func (m EmbedSeg) embedEngine(r Config, dir string, progress func(train.Progress)) framework.EmbedSeg {
	dims := 0
	var net framework.Net
	if m.Net != nil {
		dims, net = m.Net.config().Dims, embedSegNet(m.Net).build()
	}
	step := [3]float64{m.GridStep * m.Anisotropy, m.GridStep, m.GridStep}
	return framework.EmbedSeg{
		Net: net, Dims: dims, Step: step,
		Loss:    loss.SpatialEmbeddingConfig{ForegroundWeight: m.ForegroundWeight, MaxInstances: m.MaxInstances},
		Cluster: m.Cluster.engine(dims),
		Metrics: m.Metrics,
		Trainer: trainConfig(r, m.Optimizer, m.Schedule, dir, progress),
		Predict: m.Predict.engine(),
	}
}

// embedSegNet is n with its head started as EmbedSeg's output layer (mmv's
// init_output: offsets 0, bandwidths e^10) when n is a U-Net; BranchedERFNet
// has it built in. mmv gives its U-Nets no output init: their random offsets
// start tens of voxels apart inside each object.
func embedSegNet(n Net) Net {
	switch u := n.(type) {
	case UNet:
		u.HeadInit = nets.HeadInitEmbedSeg
		return u
	case AttentionUNet:
		u.HeadInit = nets.HeadInitEmbedSeg
		return u
	case DynUNet:
		u.HeadInit = nets.HeadInitEmbedSeg
		return u
	}
	return n
}

// problems implements Model.
func (m EmbedSeg) problems(r, declared Config) Problems {
	var ps Problems
	d := r.Data
	if m.Net == nil {
		ps.Add("model.net", "missing")
		return ps
	}
	cfg := m.Net.config()
	if cfg.Dims != d.Dims && (d.Dims == 2 || d.Dims == 3) {
		ps.Add("model.net.dims", "%d but the data is %dD", cfg.Dims, d.Dims)
	}
	if want := 2*cfg.Dims + 1; cfg.OutChannels != want && (cfg.Dims == 2 || cfg.Dims == 3) {
		ps.Add("model.net.out_channels", "embedseg needs %d output channels in %dD (offsets, sigmas, seed), got %d", want, cfg.Dims, cfg.OutChannels)
	}
	switch m.CenterMethod {
	case "centroid", "approximate-medoid", "medoid":
	default:
		ps.Add("model.center_method", "want centroid, approximate-medoid or medoid, got %q", m.CenterMethod)
	}
	if m.GridStep <= 0 {
		ps.Add("model.grid_step", "must be positive, got %g", m.GridStep)
	}
	if m.Anisotropy <= 0 {
		ps.Add("model.anisotropy", "must be positive, got %g", m.Anisotropy)
	}
	if m.Predict.Output == "labels" && m.Predict.DType == "uint8" {
		ps.Add("model.predict.dtype", "instance labels need uint16 (or float32): uint8 holds 255 objects")
	}
	for _, p := range m.embedEngine(r, "", nil).Validate() {
		if p.Path == "model.cluster" || strings.HasPrefix(p.Path, "model.cluster.") {
			p.Path = "model.cluster"
		}
		ps = append(ps, p)
	}
	return ps
}

// BranchedERFNet is EmbedSeg's network (ml/nets.BranchedERFNet: an ERFNet
// encoder shared by an offset/sigma decoder and a seed decoder; 5 output
// channels in 2D, 7 in 3D). Zero values: Dims from the data, any number of
// input channels (1..15), encoder dropout 0.03 and 0.3.
type BranchedERFNet nets.BranchedERFNet

// Kind implements Net.
func (BranchedERFNet) Kind() string { return "branched_erfnet" }

func (n BranchedERFNet) build() framework.Net { return nets.BranchedERFNet(n) }

func (n BranchedERFNet) config() nets.Config {
	return nets.Config{Dims: n.Dims, InChannels: n.InChannels, OutChannels: nets.BranchedERFNet(n).OutChannels()}
}

func (n BranchedERFNet) withDefaults(dims int) Net {
	n.Dims = orInt(n.Dims, dims)
	if len(n.Dropout) == 0 {
		n.Dropout = []float64{0.03, 0.3}
	}
	n.Dropout = append([]float64(nil), n.Dropout...)
	return n
}

// engine is the clustering settings for the engine (the framework sets Step).
func (c Clustering) engine(dims int) instance.ClusterOptions {
	return instance.ClusterOptions{Dims: dims, SeedThresh: c.SeedThresh, FgThresh: c.FgThresh, MinMaskSum: c.MinMaskSum,
		MinUnclusteredSum: c.MinUnclusteredSum, MinObjectSize: c.MinObjectSize}
}

// fromEngine is the declaration of the engine's clustering settings o.
func (Clustering) fromEngine(o instance.ClusterOptions) Clustering {
	return Clustering{SeedThresh: o.SeedThresh, FgThresh: o.FgThresh, MinMaskSum: o.MinMaskSum,
		MinUnclusteredSum: o.MinUnclusteredSum, MinObjectSize: o.MinObjectSize}
}
