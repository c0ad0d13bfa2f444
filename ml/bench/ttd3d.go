package bench

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Denoise3DOptions are the settings of `im2im bench ttd3d`: time to a
// validation PSNR on the task of notebooks/denoise_3d.ipynb (noisy → clean
// synthetic volumes, 3D U-Net 16-32-64, MSE), ours beside the PyTorch reference
// torch_ttd_denoise3d.py. Zero values mean the defaults Resolve fills in (the
// notebook's parameters).
type Denoise3DOptions struct {
	Dir        string    // data and run folder [/tmp/im2im-ttd3d]
	Python     string    // Python with PyTorch [/usr/bin/python3]
	Train, Val int       // training and validation volumes [10, 2: the notebook's 12 with a sixth held out]
	Volume     []int     // Z, Y, X of each volume [32, 64, 64]
	Patch      []int     // Z, Y, X of the training patches [16, 32, 32]
	PerImage   int       // patches per training volume and epoch [4]
	Batch      int       // batch size [4]
	LR         float64   // AdamW learning rate [2e-3]
	Gains      []float64 // PSNR targets in dB over the noisy validation input [4, 7, 9]
	MaxTrainS  float64   // training-seconds budget of each side [300]
	Seed       int       // training seed of both sides [1]
	DataSeed   int       // seed of the synthetic volumes (validation: DataSeed+100000) [1]
	Threads    int       // threads of both sides [2]
	Backend    string    // GoMLX backend of our side [DefaultBackend]
	NoStop     bool      // keep training after the last target until MaxTrainS
	// CPUProfile, if set, receives a Go CPU profile of our side's training.
	CPUProfile string
}

// Denoise3DGains are the default PSNR targets in dB over the noisy input.
var Denoise3DGains = []float64{4, 7, 9}

// Resolve fills the defaults and checks the options; every problem is named
// by its flag.
func (o *Denoise3DOptions) Resolve() error {
	if o.Dir == "" {
		o.Dir = "/tmp/im2im-ttd3d"
	}
	if o.Python == "" {
		o.Python = "/usr/bin/python3"
	}
	o.Train, o.Val, o.PerImage, o.Batch = orDefault(o.Train, 10), orDefault(o.Val, 2), orDefault(o.PerImage, 4), orDefault(o.Batch, 4)
	o.Seed, o.DataSeed, o.Threads = orDefault(o.Seed, 1), orDefault(o.DataSeed, 1), orDefault(o.Threads, 2)
	if len(o.Volume) == 0 {
		o.Volume = []int{32, 64, 64}
	}
	if len(o.Patch) == 0 {
		o.Patch = []int{16, 32, 32}
	}
	if len(o.Gains) == 0 {
		o.Gains = Denoise3DGains
	}
	if o.LR == 0 {
		o.LR = 2e-3
	}
	if o.MaxTrainS == 0 {
		o.MaxTrainS = 300
	}
	if o.Backend == "" {
		o.Backend = DefaultBackend
	}
	var bad []string
	add := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if len(o.Volume) != 3 || len(o.Patch) != 3 {
		add("--volume %v, --patch %v: want 3 values each (Z, Y, X)", o.Volume, o.Patch)
	} else {
		for i := range 3 {
			if o.Patch[i] < 4 || o.Patch[i]%4 != 0 || o.Volume[i]%4 != 0 || o.Patch[i] > o.Volume[i] {
				add("--patch %v, --volume %v: want multiples of 4 (two stride-2 levels), the patch within the volume", o.Patch, o.Volume)
				break
			}
		}
		if o.Patch[1] != o.Patch[2] {
			add("--patch %v: want Y = X (rotations by 90° in the Y-X plane keep the shape)", o.Patch)
		}
	}
	if o.Train < 1 || o.Val < 1 || o.PerImage < 1 || o.Batch < 1 || o.Threads < 1 || o.MaxTrainS < 0 || o.LR < 0 || o.Seed < 0 || o.DataSeed < 0 {
		add("--train %d, --val %d, --per-image %d, --batch %d, --threads %d, --max-train-s %v, --lr %v, --seed %d, --data-seed %d: each must be positive",
			o.Train, o.Val, o.PerImage, o.Batch, o.Threads, o.MaxTrainS, o.LR, o.Seed, o.DataSeed)
	} else if o.Train*o.PerImage < o.Batch {
		add("--batch %d: more than the %d patches of an epoch (--train × --per-image)", o.Batch, o.Train*o.PerImage)
	}
	for i, g := range o.Gains {
		if g <= 0 || (i > 0 && g <= o.Gains[i-1]) {
			add("--gains %v: want positive dB values in increasing order", o.Gains)
			break
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s", strings.Join(bad, "; "))
	}
	return nil
}

// EvalEvery is the number of steps of one epoch, the validation interval of
// both sides (valid after Resolve).
func (o Denoise3DOptions) EvalEvery() int { return o.Train * o.PerImage / o.Batch }

// DataDir is the folder of one data set: the volumes depend on their number,
// size and seed only.
func (o Denoise3DOptions) DataDir() string {
	return filepath.Join(o.Dir, fmt.Sprintf("data-%dx%dx%d-%d+%d-s%d", o.Volume[0], o.Volume[1], o.Volume[2], o.Train, o.Val, o.DataSeed))
}

// TrainDir is the folder of the training OME-TIFF pairs (denoise_NNN_IM, _GT).
func (o Denoise3DOptions) TrainDir() string { return filepath.Join(o.DataDir(), "train") }

// ValDir is the folder of the validation OME-TIFF pairs.
func (o Denoise3DOptions) ValDir() string { return filepath.Join(o.DataDir(), "val") }
