package framework

import (
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/train"
)

// Framework is the contract every model category implements (mmv_im2im's pl_*
// wrappers: fcn, pix2pix, cyclegan, embedseg, probunet). A framework owns its
// nets, its losses, its training step (one objective per optimizer: a GAN steps
// a generator and a discriminator per batch), its validation loss and metrics,
// the content of its checkpoints (every variable its Task creates) and its
// inference and post-processing. The trainer (ml/train) owns the loop around it:
// epochs, schedules, atomic checkpoints of all nets and optimizer states,
// resume, early stopping, progress and cancellation. A framework never writes
// files or prints.
//
// New binds a framework to a backend as a Model, which trains, evaluates, loads
// and predicts with it. FCN is the first implementation.
type Framework interface {
	// Name is the category's config name (model.framework).
	Name() string
	// Validate lists every problem of the declaration, each with its config path
	// (model.net.features, trainer.epochs, ...); empty when valid.
	Validate() Problems
	// Task is what the trainer runs: objectives, prediction graph, validation
	// loss and metrics.
	Task() train.Task
	// TrainConfig configures the loop (epochs, optimizer, schedule, checkpoints).
	TrainConfig() train.Config
	// Inference says how the trained network predicts whole images.
	Inference() Inference
}

// Inference is how a framework's trained network predicts whole images: the
// sliding windows the network runs on, and the post-processing of its output.
type Inference struct {
	// Window per spatial axis; empty means chosen per image (ChooseWindow): the
	// whole image when it fits MaxVoxels (0: DefaultMaxVoxels), never silently
	// the training patch.
	Window    []int
	MaxVoxels int
	// Divisors per spatial axis: the net's down-sampling factors, which a
	// chosen window is a multiple of and windows are aligned to (nil: 1).
	Divisors []int
	// WholeImageStats makes instance and group norm layers normalise a tiled
	// image with the statistics of the whole image (found by one pass over
	// the windows per layer), so the prediction does not depend on the
	// tiling; false leaves each window normalised by its own statistics.
	WholeImageStats bool
	// Overlap of neighbouring windows, BatchSize windows per run, Blend of
	// overlapping windows (see infer.Options).
	Overlap   float64
	BatchSize int
	Blend     infer.Blend
	// Post turns the network's output for one predicted unit (an image, a time
	// point of a 3D model, a plane of a 2D model), shaped [C, spatial...], into
	// what predict writes (labels, probabilities, images); nil keeps it as is.
	Post func(out []float32, shape []int) ([]float32, []int, error)
	// Uncertainty, when set, maps the same raw output of one unit to an
	// uncertainty map ([channels, spatial...]) that predict writes beside the
	// prediction as <name>_uncertainty.ome.tiff (ProbUnet: the spread of its
	// samples); nil: the framework has none.
	Uncertainty func(out []float32, shape []int) ([]float32, []int, error)
	// Wrap, when set, wraps the network's window predictor (test-time
	// augmentation runs it on transformed windows); Post and Uncertainty then
	// receive the wrapped predictor's output.
	Wrap func(infer.Predictor) infer.Predictor
}

// Problem is one configuration problem: its config path and message.
type Problem = train.Problem

// Problems lists configuration problems; as an error it names each.
type Problems = train.Problems
