package im2im

import "github.com/im2im/im2im/ml/train"

// Trainer configures a training run. Zero values mean the defaults in brackets.
type Trainer struct {
	// Epochs to train. [10]
	Epochs int `yaml:"epochs"`
	// BatchSize patches per step. [8]
	BatchSize int `yaml:"batch_size"`
	// LR is the base learning rate. [1e-3]
	LR float64 `yaml:"lr"`
	// ClipNorm caps the gradients' global L2 norm (0: no clipping).
	ClipNorm float64 `yaml:"clip_norm"`
	// ValEvery validates every this many epochs. [1]
	ValEvery int `yaml:"val_every"`
	// Monitor selects the best checkpoint: loss or a metric name. [the first
	// metric; loss for unpaired data, whose validation pairs do not correspond]
	Monitor string `yaml:"monitor"`
	// Patience stops after this many validations without improvement (0: never).
	Patience int `yaml:"patience"`
	// Seed fixes weights, data order and augmentation: the same seed and backend
	// give the same loss curve.
	Seed int64 `yaml:"seed"`
	// Root is the folder holding run directories. [runs]
	Root string `yaml:"root"`
	// Name of the run directory under Root. [a timestamp]
	Name string `yaml:"name"`
	// Backend is a GoMLX backend config (im2im-fast, go, xla:cpu, ...). [auto:
	// $GOMLX_BACKEND, else XLA when a PJRT plugin is installed, else im2im-fast]
	Backend string `yaml:"backend"`
	// SaveEverySteps also writes checkpoints/last.ckpt every this many steps, so a
	// killed run loses at most that many (0: at the end of every epoch only).
	SaveEverySteps int `yaml:"save_every_steps"`
	// Resume continues the run Root/Name from its checkpoints/last.ckpt (needs Name).
	Resume bool `yaml:"resume"`
	// InitFrom is a checkpoint whose weights initialise the model where names and
	// shapes match (fine-tuning). For pix2pix it initialises the generator only,
	// from a pix2pix run or an FCN run of the same net, and every generator weight
	// must match. A bioimage.io model package (a .zip, or a folder with
	// rdf.yaml) that im2im exported initialises the net (fcn, embedseg; pix2pix:
	// the generator) from its ONNX weights; its graph must be the one this
	// config's net exports as, the first difference is the error.
	InitFrom string `yaml:"init_from"`
	// ImageEvery shows an input/target/prediction panel every this many epochs
	// in notebooks (negative: only at the end). [max(1, Epochs/5)]
	ImageEvery int `yaml:"image_every"`
	// Devices > 1 trains data-parallel: each batch is split over that many
	// devices of an XLA backend with several GPUs (batch_size a multiple of it);
	// untested until a multi-GPU machine is lent. [1]
	Devices int `yaml:"devices"`
	// Quiet turns off the progress display.
	Quiet bool `yaml:"quiet"`
	// OnProgress, if set, is called after every step, every validation and at
	// the end (Phase "train", "val", "done"); a callback for cells (not in YAML).
	OnProgress func(Progress) `yaml:"-"`
}

// Progress is what a run reports to Trainer.OnProgress: phase, epoch and step
// counts, losses, learning rate, validation values, throughput and ETA.
type Progress = train.Progress
