package loss

import (
	"errors"
	"fmt"
)

// DefaultEmbeddingStep is the default grid step along y and x: mmv_im2im's loss
// grid of 1024 voxels spanning 1 (coordinate i·1/1023).
const DefaultEmbeddingStep = 1.0 / 1023

// DefaultLovaszBins is the default number of error bins of the histogram Lovász
// hinge (see LovaszHingeWeights); measured in embedding_test.go to keep the loss
// within 1e-3 (relative) of the exact sort-based value.
const DefaultLovaszBins = 512

// SpatialEmbeddingConfig configures SpatialEmbedding. Zero values mean the defaults
// in brackets.
type SpatialEmbeddingConfig struct {
	// Dims is 2 or 3: the prediction has 2·Dims+1 channels.
	Dims int `yaml:"dims"`
	// Step is the coordinate grid's step per axis, ordered z, y, x (z unused in
	// 2D): the coordinate of voxel index i along axis a is i·Step[a]. It must be
	// the same at training and clustering. [y, x: 1/1023; z: the x step ×
	// Anisotropy]
	Step [3]float64 `yaml:"step"`
	// Anisotropy is the z voxel size in units of the xy voxel size, used for the
	// default z step. [1]
	Anisotropy float64 `yaml:"anisotropy"`
	// ForegroundWeight weighs the seed term inside instances. [10]
	ForegroundWeight float64 `yaml:"foreground_weight"`
	// MaxInstances is K, the number of instance ids 1..K per crop the loss sees
	// (one-hot masks [B, K, S...]); voxels with larger ids take part in no instance
	// term and count as foreground (not background) in the seed term. [64]
	MaxInstances int `yaml:"max_instances"`
	// Bins is the number of error bins of the histogram Lovász hinge. [512]
	Bins int `yaml:"bins"`
}

// WithDefaults returns c with zero fields set to their defaults.
func (c SpatialEmbeddingConfig) WithDefaults() SpatialEmbeddingConfig {
	for a := 1; a < 3; a++ {
		if c.Step[a] == 0 {
			c.Step[a] = DefaultEmbeddingStep
		}
	}
	if c.Anisotropy == 0 {
		c.Anisotropy = 1
	}
	if c.Step[0] == 0 {
		c.Step[0] = c.Step[2] * c.Anisotropy
	}
	if c.ForegroundWeight == 0 {
		c.ForegroundWeight = 10
	}
	if c.MaxInstances == 0 {
		c.MaxInstances = 64
	}
	if c.Bins == 0 {
		c.Bins = DefaultLovaszBins
	}
	return c
}

// Validate returns every configuration problem at once, each naming its field.
func (c SpatialEmbeddingConfig) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("spatial_embedding.%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if c.Dims != 2 && c.Dims != 3 {
		add("dims", "want 2 or 3, got %d", c.Dims)
	}
	for a, s := range c.Step {
		if s < 0 {
			add(fmt.Sprintf("step[%d]", a), "must be > 0 (0 = default), got %g", s)
		}
	}
	if c.Anisotropy < 0 {
		add("anisotropy", "must be > 0 (0 = 1), got %g", c.Anisotropy)
	}
	if c.ForegroundWeight < 0 {
		add("foreground_weight", "must be ≥ 0, got %g", c.ForegroundWeight)
	}
	if c.MaxInstances < 0 || c.MaxInstances > 1<<16 {
		add("max_instances", "want 1..65536 (0 = 64), got %d", c.MaxInstances)
	}
	if c.Bins < 0 || c.Bins == 1 || c.Bins > 1<<16 {
		add("bins", "want 2..65536 (0 = %d), got %d", DefaultLovaszBins, c.Bins)
	}
	return errors.Join(errs...)
}
