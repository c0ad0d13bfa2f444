package im2im

import (
	"fmt"
	"math/rand/v2"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/transform"
	"github.com/im2im/im2im/ml/instance"
)

// modelChains is chains for the resolved config r: with instance targets
// (embedseg) cropped around objects and resampled as labels, and their centre
// images added to the cached (deterministic) steps.
func modelChains(r Config) (det, random, val transform.Chain, err error) {
	es, isES := r.Model.(EmbedSeg)
	det, random, val, err = chains(r.Data, r.Model.labels() || isES)
	if err != nil || !isES {
		return det, random, val, err
	}
	det = append(det[:len(det):len(det)], &embedsegTargets{Key: r.Data.Target, Method: es.CenterMethod, ZScale: es.Anisotropy})
	return det, random, val, nil
}

// embedsegTargets is the deterministic step of data.category embedseg that
// turns the instance label image under Key ([1, spatial...]) into EmbedSeg's
// target [2, spatial...]: the instances and their centre image (one voxel per
// object, by Method), computed once on the whole image and cached in the patch
// store with it; crops and flips then cut both channels alike (an object cut
// by a crop keeps its centre only if the centre is inside; the loss falls back
// to the mean of the object's visible voxels otherwise).
type embedsegTargets struct {
	Key    string  `param:"key"`
	Method string  `param:"center_method"`
	ZScale float64 `param:"z_scale"`
}

// Name implements transform.Transform.
func (*embedsegTargets) Name() string { return "embedseg_targets" }

// Random implements transform.Transform.
func (*embedsegTargets) Random() bool { return false }

// Apply implements transform.Transform.
func (t *embedsegTargets) Apply(s *array.Sample, _ *rand.Rand) ([]*array.Sample, error) {
	gt, ok := s.Arrays[t.Key]
	if !ok {
		return nil, fmt.Errorf("no %q image (instance labels)", t.Key)
	}
	if len(gt.Shape) != 3 && len(gt.Shape) != 4 || gt.Shape[0] != 1 {
		return nil, fmt.Errorf("%s: instance labels %v: want one channel [1, Y, X] or [1, Z, Y, X]", t.Key, gt.Shape)
	}
	sp := [3]int{1, 1, 1}
	copy(sp[3-(len(gt.Shape)-1):], gt.Shape[1:])
	labels, err := toInstanceIDs(gt.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Key, err)
	}
	ce, err := instance.Centers(labels, sp, t.Method, t.ZScale)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Key, err)
	}
	out := array.New(append([]int{2}, gt.Shape[1:]...)...)
	copy(out.Data, gt.Data)
	n := len(gt.Data)
	for i, v := range ce {
		out.Data[n+i] = float32(v)
	}
	s.Arrays[t.Key] = out
	return []*array.Sample{s}, nil
}

// checkInstanceIDs reports the first value of an instance label image that is
// not an id (an integer ≥ 0; a float image of intensities is the usual
// mistake).
func checkInstanceIDs(data []float32) error {
	for i, v := range data {
		if v < 0 || v != float32(int32(v)) {
			return fmt.Errorf("value %v at voxel %d is not an instance id (want integers ≥ 0: 0 background, one id per object)", v, i)
		}
	}
	return nil
}
