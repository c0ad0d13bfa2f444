package bench

import (
	"fmt"
	"strconv"
	"strings"
)

// Models a benchmark can time (Options.Model).
const (
	ModelUNet     = "unet"     // the reference U-Net of ../shared/bench/torch_unet.py
	ModelPix2Pix  = "pix2pix"  // framework.Pix2Pix with the nets of Pix2PixNets
	ModelEmbedSeg = "embedseg" // nets.BranchedERFNet with loss.SpatialEmbedding (EmbedSegStep)
)

// Options are the settings of one benchmark. Zero values (and Warmup < 0) mean
// the per-model, per-dimension defaults that Resolve fills in.
type Options struct {
	Model      string // ModelUNet ("" too), ModelPix2Pix or ModelEmbedSeg
	Dims       int    // spatial dimensions: 2 or 3
	Batch      int    // batch size (see modelDefaults)
	Size       string // spatial size, comma-separated (see modelDefaults)
	Warmup     int    // untimed warm-up steps (default 2 for 2D, 1 for 3D when < 0)
	Steps      int    // timed steps (default 5 for 2D, 3 for 3D)
	Threads    int    // threads for both sides (GOMAXPROCS and torch.set_num_threads)
	Backend    string // GoMLX backend configuration for our side
	Python     string // Python with PyTorch
	Torch      string // path of the PyTorch script ("": the model's own, see TorchScript)
	CPUProfile string // if set, a Go CPU profile of our timed steps is written there
	MemProfile string // if set, a Go heap profile of our timed steps is written there
	TorchCPU   bool   // run the script a second time (1 timed step) to derive its CPU seconds per step
	Rounds     int    // rounds of both sides in turn (0 means 1)
}

// modelDefaults are a model's defaults for one dimensionality and the constraint
// on its spatial size.
type modelDefaults struct {
	batch, warm, steps int
	size               string
	multiple, min      int    // every spatial size must be a multiple of multiple and ≥ min
	why                string // the reason for multiple and min, for messages
}

// defaultsOf returns the defaults of model for dims (ok false for an unknown model).
func defaultsOf(model string, dims int) (modelDefaults, bool) {
	switch model {
	case "", ModelUNet:
		return map[int]modelDefaults{
			2: {8, 2, 5, "128,128", 4, 4, "two 2× poolings"},
			3: {2, 1, 3, "32,64,64", 4, 4, "two 2× poolings"},
		}[dims], true
	case ModelPix2Pix:
		// PatchGAN NLayers 3 with the stride-1 layer leaves 1 logit per axis at 24.
		const why = "three 2× down-samplings in the U-Net; the PatchGAN needs ≥ 24"
		return map[int]modelDefaults{
			2: {4, 2, 5, "128,128", 8, 24, why},
			3: {1, 1, 3, "32,64,64", 8, 24, why},
		}[dims], true
	case ModelEmbedSeg:
		const why = "three 2× down-samplings in the ERFNet encoder; discs need ≥ 16"
		return map[int]modelDefaults{
			2: {4, 2, 5, "128,128", 8, 16, why},
			3: {1, 1, 3, "32,64,64", 8, 16, why},
		}[dims], true
	}
	return modelDefaults{}, false
}

// Resolve fills the per-model, per-dimension defaults, validates the options and
// returns the spatial size.
func (o *Options) Resolve() ([]int, error) {
	def, ok := defaultsOf(o.Model, o.Dims)
	if !ok {
		return nil, fmt.Errorf("model %q: want %s, %s or %s", o.Model, ModelUNet, ModelPix2Pix, ModelEmbedSeg)
	}
	if o.Model == "" {
		o.Model = ModelUNet
	}
	if o.Dims != 2 && o.Dims != 3 {
		return nil, fmt.Errorf("--dims: want 2 or 3, got %d", o.Dims)
	}
	if o.Batch == 0 {
		o.Batch = def.batch
	}
	if o.Size == "" {
		o.Size = def.size
	}
	if o.Warmup < 0 {
		o.Warmup = def.warm
	}
	if o.Steps == 0 {
		o.Steps = def.steps
	}
	if o.Rounds == 0 {
		o.Rounds = 1
	}
	if o.Rounds < 1 {
		return nil, fmt.Errorf("--rounds %d must be ≥ 1", o.Rounds)
	}
	if o.Batch < 1 || o.Steps < 1 || o.Threads < 1 {
		return nil, fmt.Errorf("--batch %d, --steps %d, --threads %d: each must be ≥ 1", o.Batch, o.Steps, o.Threads)
	}
	var size []int
	for _, s := range strings.Split(o.Size, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < def.min || v%def.multiple != 0 {
			return nil, fmt.Errorf("--size %q: want %d multiples of %d, each ≥ %d (%s), comma-separated",
				o.Size, o.Dims, def.multiple, def.min, def.why)
		}
		size = append(size, v)
	}
	if len(size) != o.Dims {
		return nil, fmt.Errorf("--size %q: want %d values for --dims %d", o.Size, o.Dims, o.Dims)
	}
	return size, nil
}
