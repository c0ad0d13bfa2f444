package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// TTDTargets are the validation Dice values whose first reaching a
// time-to-quality run records (as ../shared/bench/ttd/train.py does).
var TTDTargets = []float64{0.80, 0.90, 0.95}

// TTD task constants: gen_data.py writes this many training and validation
// images of this size.
const (
	TTDTrainImages = 24
	TTDValImages   = 8
	TTDImageSize   = 256
)

// TTDOptions are the settings of `im2im bench ttd`: both sides train the same
// U-Net on the same images with these settings. Zero values mean the defaults
// Resolve fills in.
type TTDOptions struct {
	Dir       string  // data and run folder [/tmp/im2im-ttd]
	Scripts   string  // folder of gen_data.py and train.py [../shared/bench/ttd from the current or executable's directory]
	Python    string  // Python with PyTorch [/usr/bin/python3]
	Crop      int     // training crop size per axis [128]
	Batch     int     // batch size [8]
	EvalEvery int     // validate every this many steps [21: a whole number of epochs of 24 images]
	MaxTrainS float64 // training-seconds budget of each side [120]
	Seed      int     // seed of both sides [0]
	Threads   int     // threads of both sides [2]
	Backend   string  // GoMLX backend of our side [DefaultBackend]
	NoStop    bool    // keep training after Dice 0.95 until MaxTrainS
	// CPUProfile, if set, receives a Go CPU profile of our side's training.
	CPUProfile string
}

// Resolve fills the defaults and checks the options.
func (o *TTDOptions) Resolve() error {
	if o.Dir == "" {
		o.Dir = "/tmp/im2im-ttd"
	}
	if o.Python == "" {
		o.Python = "/usr/bin/python3"
	}
	o.Crop, o.Batch, o.EvalEvery = orDefault(o.Crop, 128), orDefault(o.Batch, 8), orDefault(o.EvalEvery, 21)
	o.Threads = orDefault(o.Threads, 2)
	if o.MaxTrainS == 0 {
		o.MaxTrainS = 120
	}
	if o.Backend == "" {
		o.Backend = DefaultBackend
	}
	var bad []string
	if o.Crop < 4 || o.Crop%4 != 0 || o.Crop > TTDImageSize {
		bad = append(bad, fmt.Sprintf("--crop %d: want a multiple of 4 (two 2× poolings) up to %d", o.Crop, TTDImageSize))
	}
	if o.Batch < 1 || o.Threads < 1 || o.MaxTrainS < 0 {
		bad = append(bad, fmt.Sprintf("--batch %d, --threads %d, --max-train-s %v: each must be positive", o.Batch, o.Threads, o.MaxTrainS))
	}
	if o.EvalEvery < 1 || (o.EvalEvery*o.Batch)%TTDTrainImages != 0 {
		bad = append(bad, fmt.Sprintf("--eval-every %d: our validation closes an epoch, so eval-every × batch (%d) must be a multiple of the %d training images (21 for batch 8)",
			o.EvalEvery, o.EvalEvery*o.Batch, TTDTrainImages))
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s", strings.Join(bad, "; "))
	}
	return nil
}

// PerImage is the number of crops per training image and epoch that makes one
// epoch EvalEvery steps (valid after Resolve).
func (o TTDOptions) PerImage() int { return o.EvalEvery * o.Batch / TTDTrainImages }

// TrainDir and ValDir are the folders of the TIFF pairs (X_IM.tiff, X_GT.tiff).
func (o TTDOptions) TrainDir() string { return filepath.Join(o.Dir, "train") }

// ValDir is the folder of the validation TIFF pairs.
func (o TTDOptions) ValDir() string { return filepath.Join(o.Dir, "val") }

// ScriptDir returns the folder holding gen_data.py and train.py: o.Scripts,
// else ../shared/bench/ttd from the current or the executable's directory.
func (o TTDOptions) ScriptDir() (string, error) {
	dirs := []string{filepath.Join("..", "shared", "bench", "ttd")}
	if o.Scripts != "" {
		dirs = []string{o.Scripts}
	} else if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Join(filepath.Dir(exe), "..", "shared", "bench", "ttd"))
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "train.py")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("train.py of the time-to-quality reference not found in %s; pass --scripts", strings.Join(dirs, ", "))
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
