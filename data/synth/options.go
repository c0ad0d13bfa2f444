package synth

import (
	"fmt"
	"math"
)

// Options describes the scene shared by all generators.
type Options struct {
	// Shape is the spatial shape: [Y X] for 2D or [Z Y X] for 3D.
	Shape []int
	// Seed makes the output reproducible: the same options give the same arrays.
	Seed uint64
	// Objects is the number of nuclei to place; 0 picks one from the image area.
	Objects int
	// MinRadius and MaxRadius bound the in-plane semi-axes in pixels; 0 picks
	// defaults scaled to the image (about 1/12 and 1/6 of the smaller side).
	MinRadius, MaxRadius float64
	// ZScale multiplies the in-plane radius to give the z semi-axis (3D only);
	// 0 means 0.6, i.e. nuclei flatter in z as in anisotropic stacks.
	ZScale float64
	// Touching is the fraction of nuclei placed against an existing one so that
	// they share a boundary; 0 means 0.3, negative means none.
	Touching float64
}

// Check reports what is wrong with the options (a bad Shape, inconsistent
// radii, ...), naming the field, without generating anything; Write and the
// generators return the same error.
func (o Options) Check() error {
	_, err := o.resolved()
	return err
}

// resolved returns a copy with defaults filled in, or an error naming the field.
func (o Options) resolved() (Options, error) {
	if len(o.Shape) != 2 && len(o.Shape) != 3 {
		return o, fmt.Errorf("synth: Shape must be [Y X] or [Z Y X], got %v", o.Shape)
	}
	for _, d := range o.Shape {
		if d < 4 || d > 1<<14 {
			return o, fmt.Errorf("synth: Shape %v: each extent must be in [4, 16384]", o.Shape)
		}
	}
	o.Shape = append([]int(nil), o.Shape...)
	n := len(o.Shape)
	side := math.Min(float64(o.Shape[n-1]), float64(o.Shape[n-2]))
	if o.MinRadius == 0 {
		o.MinRadius = math.Max(2, side/12)
	}
	if o.MaxRadius == 0 {
		o.MaxRadius = math.Max(o.MinRadius+1, side/6)
	}
	if o.MinRadius < 1 || o.MaxRadius < o.MinRadius {
		return o, fmt.Errorf("synth: radii MinRadius=%v MaxRadius=%v: need 1 <= MinRadius <= MaxRadius", o.MinRadius, o.MaxRadius)
	}
	if o.ZScale == 0 {
		o.ZScale = 0.6
	}
	if o.ZScale < 0 {
		return o, fmt.Errorf("synth: ZScale %v is negative", o.ZScale)
	}
	switch {
	case o.Touching == 0:
		o.Touching = 0.3
	case o.Touching < 0:
		o.Touching = 0
	case o.Touching > 1:
		return o, fmt.Errorf("synth: Touching %v is above 1", o.Touching)
	}
	if o.Objects < 0 {
		return o, fmt.Errorf("synth: Objects %d is negative", o.Objects)
	}
	if o.Objects == 0 {
		r := (o.MinRadius + o.MaxRadius) / 2
		area := float64(o.Shape[n-1]) * float64(o.Shape[n-2])
		o.Objects = max(1, int(0.35*area/(math.Pi*r*r)))
		if n == 3 {
			depth := float64(o.Shape[0]) / (2 * r * o.ZScale)
			o.Objects = max(1, int(float64(o.Objects)*math.Max(1, depth*0.7)))
		}
	}
	return o, nil
}
