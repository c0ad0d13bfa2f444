package instance

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Centre methods accepted by Centers.
const (
	Centroid          = "centroid"
	ApproximateMedoid = "approximate-medoid"
	Medoid            = "medoid"
)

// CenterMethods lists the methods Centers accepts.
var CenterMethods = []string{Centroid, ApproximateMedoid, Medoid}

// MaxMedoidPixels is the largest instance (in voxels) the exact medoid is computed for:
// its cost is N²/2 distances (a 128×128 block takes 0.5 s on one core). Larger
// instances make Centers fail with an error wrapping ErrMedoidTooLarge; the caller may
// fall back to ApproximateMedoid.
const MaxMedoidPixels = 1 << 14

// ErrMedoidTooLarge is wrapped by the error Centers returns when an instance has more
// than MaxMedoidPixels voxels for the medoid method.
var ErrMedoidTooLarge = errors.New("instance too large for the exact medoid")

// Centers returns the centre image of a label image of the given [Z, Y, X] shape: 1 at
// one voxel per instance (id > 0), 0 elsewhere. The methods:
//
//   - "centroid": the mean voxel coordinate, rounded half to even per axis. For a
//     non-convex instance it may lie outside the instance (or on another one); it is
//     kept there, and the loss then falls back to the instance's mean.
//   - "approximate-medoid": the instance voxel nearest (squared Euclidean distance) to
//     the per-axis median point (the mean of the two middle values for an even count).
//   - "medoid": the instance voxel with the smallest sum of Euclidean distances to the
//     instance's voxels, in O(N²) time and O(N) memory; instances above MaxMedoidPixels
//     are refused (ErrMedoidTooLarge). Sums equal to a relative 1e-10 count as ties
//     (float64 sums of the same distances in another order differ in the last bits).
//
// Ties go to the first voxel in raster order. zScale multiplies z differences in the
// distances of both medoid methods (anisotropy; 1 for isotropic data) and must be > 0.
// Labels must be non-negative.
func Centers(labels []int32, shape [3]int, method string, zScale float64) ([]uint8, error) {
	if _, err := voxels(shape, len(labels), 1, "label image"); err != nil {
		return nil, err
	}
	if !slices.Contains(CenterMethods, method) {
		return nil, fmt.Errorf("instance: unknown centre method %q (want %q, %q or %q)", method, Centroid, ApproximateMedoid, Medoid)
	}
	if !(zScale > 0) || math.IsInf(zScale, 0) {
		return nil, fmt.Errorf("instance: centre zScale %v must be a finite number > 0", zScale)
	}
	if err := checkNonNegative(labels, "label image"); err != nil {
		return nil, err
	}
	g := groupVoxels(labels)
	out := make([]uint8, len(labels))
	scale := zScale
	if method == Centroid {
		scale = 1 // the centroid is a plain mean
	}
	var buf coords
	for j := range g.ids {
		buf.load(g.members(j), shape, scale)
		var c int
		switch method {
		case Centroid:
			c = buf.centroid(shape)
		case ApproximateMedoid:
			c = int(g.members(j)[buf.nearestToMedian()])
		case Medoid:
			if n := len(buf.z); n > MaxMedoidPixels {
				return nil, fmt.Errorf("instance: medoid of instance %d: %d voxels > MaxMedoidPixels (%d); use %q: %w",
					g.ids[j], n, MaxMedoidPixels, ApproximateMedoid, ErrMedoidTooLarge)
			}
			c = int(g.members(j)[buf.medoid()])
		}
		out[c] = 1
	}
	return out, nil
}

// coords holds the voxel coordinates of one instance, z already scaled.
type coords struct {
	z, y, x []float64
	tmp     []float64
}

func (c *coords) load(vox []int32, shape [3]int, zScale float64) {
	c.z, c.y, c.x = c.z[:0], c.y[:0], c.x[:0]
	yx := shape[1] * shape[2]
	for _, v := range vox {
		i := int(v)
		c.z = append(c.z, float64(i/yx)*zScale)
		c.y = append(c.y, float64(i%yx/shape[2]))
		c.x = append(c.x, float64(i%shape[2]))
	}
}

// centroid returns the raster index of the rounded mean coordinate (load with scale 1).
func (c *coords) centroid(shape [3]int) int {
	var p [3]int
	for a, v := range [][]float64{c.z, c.y, c.x} {
		s := 0.0
		for _, f := range v {
			s += f
		}
		p[a] = int(math.RoundToEven(s / float64(len(v))))
	}
	return (p[0]*shape[1]+p[1])*shape[2] + p[2]
}

// nearestToMedian returns the position of the voxel nearest to the per-axis median.
func (c *coords) nearestToMedian() int {
	mz, my, mx := c.median(c.z), c.median(c.y), c.median(c.x)
	best, bestD := 0, math.Inf(1)
	for k := range c.z {
		dz, dy, dx := c.z[k]-mz, c.y[k]-my, c.x[k]-mx
		if d := dz*dz + dy*dy + dx*dx; d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func (c *coords) median(v []float64) float64 {
	c.tmp = append(c.tmp[:0], v...)
	slices.Sort(c.tmp)
	n := len(c.tmp)
	if n%2 == 1 {
		return c.tmp[n/2]
	}
	return (c.tmp[n/2-1] + c.tmp[n/2]) / 2
}

// medoid returns the position of the voxel with the smallest sum of distances to all
// others. Each pair is visited once; the distance is added to both ends, so every sum
// accumulates its terms in index order.
func (c *coords) medoid() int {
	n := len(c.z)
	sums := append(c.tmp[:0], make([]float64, n)...)
	c.tmp = sums
	for i := 0; i < n; i++ {
		zi, yi, xi := c.z[i], c.y[i], c.x[i]
		s := sums[i]
		for j := i + 1; j < n; j++ {
			dz, dy, dx := c.z[j]-zi, c.y[j]-yi, c.x[j]-xi
			d := math.Sqrt(dz*dz + dy*dy + dx*dx)
			s += d
			sums[j] += d
		}
		sums[i] = s
	}
	best := 0
	for k := 1; k < n; k++ {
		if sums[k] < sums[best]*(1-1e-10) {
			best = k
		}
	}
	return best
}
