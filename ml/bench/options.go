package bench

import (
	"fmt"
	"strconv"
	"strings"
)

// Options are the settings of one U-Net benchmark. Zero values (and Warmup < 0)
// mean the per-dimension defaults that Resolve fills in.
type Options struct {
	Dims       int    // spatial dimensions: 2 or 3
	Batch      int    // batch size (default 8 for 2D, 2 for 3D)
	Size       string // spatial size, comma-separated (default 128,128 for 2D, 32,64,64 for 3D)
	Warmup     int    // untimed warm-up steps (default 2 for 2D, 1 for 3D when < 0)
	Steps      int    // timed steps (default 5 for 2D, 3 for 3D)
	Threads    int    // threads for both sides (GOMAXPROCS and torch.set_num_threads)
	Backend    string // GoMLX backend configuration for our side
	Python     string // Python with PyTorch
	Torch      string // path of torch_unet.py ("": looked up, see TorchScript)
	CPUProfile string // if set, a Go CPU profile of our timed steps is written there
	MemProfile string // if set, a Go heap profile of our timed steps is written there
	TorchCPU   bool   // run the script a second time (1 timed step) to derive its CPU seconds per step
}

// Resolve fills the per-dimension defaults, validates the options and returns the
// spatial size.
func (o *Options) Resolve() ([]int, error) {
	if o.Dims != 2 && o.Dims != 3 {
		return nil, fmt.Errorf("--dims: want 2 or 3, got %d", o.Dims)
	}
	def := map[int]struct {
		batch, warm, steps int
		size               string
	}{2: {8, 2, 5, "128,128"}, 3: {2, 1, 3, "32,64,64"}}[o.Dims]
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
	if o.Batch < 1 || o.Steps < 1 || o.Threads < 1 {
		return nil, fmt.Errorf("--batch %d, --steps %d, --threads %d: each must be ≥ 1", o.Batch, o.Steps, o.Threads)
	}
	var size []int
	for _, s := range strings.Split(o.Size, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 4 || v%4 != 0 {
			return nil, fmt.Errorf("--size %q: want %d positive multiples of 4 (two 2× poolings), comma-separated", o.Size, o.Dims)
		}
		size = append(size, v)
	}
	if len(size) != o.Dims {
		return nil, fmt.Errorf("--size %q: want %d values for --dims %d", o.Size, o.Dims, o.Dims)
	}
	return size, nil
}
