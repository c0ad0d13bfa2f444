package instance

import (
	"fmt"
	"math"
)

// ClusterOptions configures Cluster.
type ClusterOptions struct {
	// Dims is the number of spatial dimensions, 2 or 3; the prediction has 2·Dims+1
	// channels.
	Dims int
	// Step is the embedding units per voxel along z, y, x: the coordinate of index i
	// along axis a is i·Step[a]. It must equal the step the net was trained with. Step[0]
	// is unused in 2D.
	Step [3]float64
	// FgThresh: voxels with seed > FgThresh are foreground (mmv fixes it at 0.5).
	FgThresh float64
	// SeedThresh: clustering stops when the best unclustered seed is below it.
	SeedThresh float64
	// MinMaskSum: a prediction with at most this many foreground voxels gives no
	// instances.
	MinMaskSum int
	// MinUnclusteredSum: clustering stops when at most this many foreground voxels are
	// left unclustered.
	MinUnclusteredSum int
	// MinObjectSize: a proposal needs more than this many voxels to become an instance.
	MinObjectSize int
}

// DefaultStep is mmv_im2im's default embedding step: pixel 1 over a grid of 1024.
const DefaultStep = 1.0 / 1023

// DefaultClusterOptions returns mmv_im2im's clustering defaults for 2D or 3D: step
// 1/1023 on every axis (z too: declare anisotropy by changing Step[0]), FgThresh and
// SeedThresh 0.5, and the method-level minimum sizes. 2D: MinMaskSum 5,
// MinUnclusteredSum 0, MinObjectSize 5. 3D: MinMaskSum 64, MinObjectSize 3, and
// MinUnclusteredSum 10, the value of mmv's clustering function that its 3D method
// does not override. Any other dims gives options that Validate rejects.
func DefaultClusterOptions(dims int) ClusterOptions {
	o := ClusterOptions{
		Dims:       dims,
		Step:       [3]float64{DefaultStep, DefaultStep, DefaultStep},
		FgThresh:   0.5,
		SeedThresh: 0.5,
	}
	if dims == 3 {
		o.MinMaskSum, o.MinUnclusteredSum, o.MinObjectSize = 64, 10, 3
	} else {
		o.MinMaskSum, o.MinUnclusteredSum, o.MinObjectSize = 5, 0, 5
	}
	return o
}

// WithDefaults returns o with its zero thresholds and minimum sizes set to
// DefaultClusterOptions(o.Dims)'s (Dims and Step are kept as they are).
func (o ClusterOptions) WithDefaults() ClusterOptions {
	def := DefaultClusterOptions(o.Dims)
	if o.FgThresh == 0 {
		o.FgThresh = def.FgThresh
	}
	if o.SeedThresh == 0 {
		o.SeedThresh = def.SeedThresh
	}
	if o.MinMaskSum == 0 {
		o.MinMaskSum = def.MinMaskSum
	}
	if o.MinUnclusteredSum == 0 {
		o.MinUnclusteredSum = def.MinUnclusteredSum
	}
	if o.MinObjectSize == 0 {
		o.MinObjectSize = def.MinObjectSize
	}
	return o
}

// Validate reports the first invalid option.
func (o ClusterOptions) Validate() error {
	if o.Dims != 2 && o.Dims != 3 {
		return fmt.Errorf("instance: cluster Dims %d: want 2 or 3", o.Dims)
	}
	for a := 3 - o.Dims; a < 3; a++ {
		if s := o.Step[a]; !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("instance: cluster Step[%d] (axis %c) is %v: want a finite number > 0", a, "zyx"[a], s)
		}
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"FgThresh", o.FgThresh}, {"SeedThresh", o.SeedThresh}} {
		if !(t.v >= 0 && t.v <= 1) {
			return fmt.Errorf("instance: cluster %s %v: want a number in [0, 1]", t.name, t.v)
		}
	}
	for _, m := range []struct {
		name string
		v    int
	}{{"MinMaskSum", o.MinMaskSum}, {"MinUnclusteredSum", o.MinUnclusteredSum}, {"MinObjectSize", o.MinObjectSize}} {
		if m.v < 0 {
			return fmt.Errorf("instance: cluster %s %d: want ≥ 0", m.name, m.v)
		}
	}
	return nil
}
