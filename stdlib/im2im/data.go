package im2im

import (
	"fmt"
	"sort"

	"github.com/im2im/im2im/data/transform"
)

// Data declares the training data: where it is, how patches are cut, how images
// are normalised and augmented. Zero values mean the defaults in brackets.
type Data struct {
	// Path is a folder of X_IM / X_GT pairs, a folder with IM/ and GT/ subfolders,
	// or a CSV file.
	Path string `yaml:"path"`
	// Train and Val are explicit folders; when both are set they replace Path.
	Train string `yaml:"train"`
	Val   string `yaml:"val"`
	// Category is pair (inputs with their targets) or unpair (two independent
	// domains, for CycleGAN: A in IM/ or X_IM files, B in GT/ or Y_GT files;
	// names, counts and image sizes need not match). [pair]
	Category string `yaml:"category"`
	// Dims is 2 or 3. [the patch size's length, else the net's Dims]
	Dims int `yaml:"dims"`
	// Input and Target are the role tags of the input and target images. [IM, GT]
	Input  string `yaml:"input"`
	Target string `yaml:"target"`
	// CostMap, if set, is the role tag of per-voxel loss weights (X_CM files);
	// the loss must accept weights (dice_ce, ce, focal, gdl_focal, mse, l1, huber).
	CostMap string `yaml:"cost_map"`
	// Patch says how training patches are cut.
	Patch Patch `yaml:"patch"`
	// Normalize is applied to the input (cached). [Percentile(1, 99.8)]; use
	// NoNormalization() to keep raw intensities.
	Normalize *Transform `yaml:"normalize"`
	// Preprocess runs after normalisation, once per image (cached).
	Preprocess []Transform `yaml:"preprocess"`
	// Augment runs on every patch every epoch.
	Augment []Transform `yaml:"augment"`
	// ValRatio is the fraction of images held out for validation; negative means
	// none (then trainer.patience, trainer.monitor and the plateau schedule are
	// refused unless data.val is given). [0.1]
	ValRatio float64 `yaml:"val_ratio"`
	// Workers load and augment in parallel. [2]
	Workers int `yaml:"workers"`
	// Store is the folder of the preprocessed-patch cache. [<trainer.root>/.store]
	Store string `yaml:"store"`
	// Partial trains each epoch on a part of the training images kept in
	// memory, replaced bit by bit (mmv_im2im's partial loader). [off: every
	// image every epoch, read from the store]
	Partial Partial `yaml:"partial"`
}

// Partial loading (MONAI's SmartCacheDataset, mmv_im2im's partial_loader): for
// datasets whose images do not all fit in memory, or to make epochs shorter.
// Each epoch trains on ceil(Fraction × training images) images held in memory;
// every Every epochs ceil(Replace × that many) of them are swapped for images
// not used recently, so over the rounds every image is used. Which images an
// epoch uses depends only on trainer.seed and the epoch.
type Partial struct {
	// Fraction of the training images kept in memory and used per epoch, in
	// (0, 1]. [0: off]
	Fraction float64 `yaml:"fraction"`
	// Replace is the fraction of the kept images replaced each round, in
	// (0, 1]. [1: a fresh part every round, as mmv_im2im reloads]
	Replace float64 `yaml:"replace"`
	// Every is the number of epochs between replacements. [5]
	Every int `yaml:"every"`
}

// Patch configures the random training patches.
type Patch struct {
	// Size per spatial axis (Y, X or Z, Y, X). [64 per axis]
	Size []int `yaml:"size"`
	// PerImage patches are drawn from every image every epoch. [4]
	PerImage int `yaml:"per_image"`
	// PosFraction of the patches are centred on foreground of the target
	// (segmentation only). [0.5 for segmentation, 0 otherwise]
	PosFraction float64 `yaml:"pos_fraction"`
	// ValWhole validates on whole images instead of their centre patch of Size
	// (the validation images must then share one size, a multiple of the net's
	// down-sampling factor, to be batched). [false]
	ValWhole bool `yaml:"val_whole,omitempty"`
}

// Transform is one named transform of data/transform (normalize_percentile,
// rand_flip, rand_rot90, rand_gaussian_noise, ...) with its parameters, as in a
// MONAI-style config. Intensity transforms that take `keys` apply to the input
// only unless keys are given. Build one with the constructors (Percentile,
// RandFlip, ...) or T for any registered transform.
type Transform struct {
	Name   string         `yaml:"name"`
	Params map[string]any `yaml:"params"`
}

// T returns the transform called name with the given parameters (keys as in the
// transform's config; see data/transform). For example
// T("rand_histogram_shift", map[string]any{"prob": 0.3}).
func T(name string, params map[string]any) Transform {
	return Transform{Name: name, Params: params}
}

// Percentile scales the input so that its lower and upper percentiles map to 0
// and 1 (not clipped).
func Percentile(lower, upper float64) *Transform {
	return &Transform{Name: "normalize_percentile", Params: map[string]any{"lower": lower, "upper": upper, "b_min": 0.0, "b_max": 1.0}}
}

// ZScore scales the input to zero mean and unit variance.
func ZScore() *Transform { return &Transform{Name: "normalize_zscore"} }

// MinMax scales the input to [0, 1].
func MinMax() *Transform {
	return &Transform{Name: "normalize_minmax", Params: map[string]any{"b_min": 0.0, "b_max": 1.0}}
}

// NoNormalization keeps the input's raw intensities.
func NoNormalization() *Transform { return &Transform{Name: "none"} }

// RandFlip flips a patch along each spatial axis with probability prob.
func RandFlip(prob float64) Transform {
	return Transform{Name: "rand_flip", Params: map[string]any{"prob": prob}}
}

// RandRotate90 rotates a patch by a random multiple of 90° in the Y-X plane with
// probability prob.
func RandRotate90(prob float64) Transform {
	return Transform{Name: "rand_rot90", Params: map[string]any{"prob": prob}}
}

// RandGaussianNoise adds Gaussian noise of standard deviation std to the input
// with probability prob.
func RandGaussianNoise(prob, std float64) Transform {
	return Transform{Name: "rand_gaussian_noise", Params: map[string]any{"prob": prob, "std": std}}
}

// RandGamma applies a random gamma in [lo, hi] to the input with probability prob.
func RandGamma(prob, lo, hi float64) Transform {
	return Transform{Name: "rand_gamma", Params: map[string]any{"prob": prob, "min": lo, "max": hi}}
}

// RandHistogramShift shifts the input's intensity histogram with probability prob.
func RandHistogramShift(prob float64) Transform {
	return Transform{Name: "rand_histogram_shift", Params: map[string]any{"prob": prob}}
}

// GaussianBlur smooths the input with a Gaussian of the given sigma.
func GaussianBlur(sigma float64) Transform {
	return Transform{Name: "gaussian_blur", Params: map[string]any{"sigma": sigma}}
}

// build returns the data/transform transform, with keys defaulting to input for
// transforms that take keys.
func (t Transform) build(input string) (transform.Transform, error) {
	params := map[string]any{}
	for k, v := range t.Params {
		params[k] = v
	}
	tr, err := transform.New(t.Name, params)
	if err != nil {
		return nil, err
	}
	if _, hasKeys := transform.Params(tr)["keys"]; hasKeys {
		if _, given := params["keys"]; !given {
			params["keys"] = []any{input}
			return transform.New(t.Name, params)
		}
	}
	return tr, nil
}

// String renders the transform as name(k=v, ...).
func (t Transform) String() string {
	keys := make([]string, 0, len(t.Params))
	for k := range t.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := t.Name + "("
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s=%v", k, t.Params[k])
	}
	return s + ")"
}
