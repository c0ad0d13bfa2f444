package im2im

import (
	"fmt"
	"slices"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/instance"
	"github.com/im2im/im2im/ml/post"
)

// Components labels the connected foreground components (voxels above 0;
// 8-connected in a plane, 26-connected in a stack) of every time point and
// channel of img as instances 1..n: an FCN's semantic labels become instance
// labels to compare with an instance segmentation (touching objects merge).
// Stacks (Z > 1) are labelled in 3D.
func (img *Image) Components() (*Image, error) {
	if err := img.check(); err != nil {
		return nil, err
	}
	z, y, x := img.Shape[2], img.Shape[3], img.Shape[4]
	spatial := []int{y, x}
	if z > 1 {
		spatial = []int{z, y, x}
	}
	out := *img
	out.Name = img.Name + " components"
	out.DType = "uint16"
	out.Data = make([]float32, 0, len(img.Data))
	n := z * y * x
	for off := 0; off < len(img.Data); off += n {
		labels, err := components(img.Data[off:off+n], spatial)
		if err != nil {
			return nil, fmt.Errorf("components of %s: %w", img.Name, err)
		}
		out.Data = append(out.Data, labels...)
	}
	return &out, nil
}

// components labels the connected foreground components (values above 0) of
// one plane or stack of the given spatial shape: 8-connected in 2D,
// 26-connected in 3D.
func components(data []float32, spatial []int) ([]float32, error) {
	conn := post.Conn8
	if len(spatial) == 3 {
		conn = post.Conn26
	}
	mask := make([]uint8, len(data))
	for i, v := range data {
		if v > 0 {
			mask[i] = 1
		}
	}
	ids, _, err := post.Label(mask, spatial, conn)
	if err != nil {
		return nil, err
	}
	out := make([]float32, len(ids))
	for i, v := range ids {
		out[i] = float32(v)
	}
	return out, nil
}

// isInstanceMetric says whether Measure computes name by matching objects.
func isInstanceMetric(name string) bool { return slices.Contains(framework.EmbedSegMetrics, name) }

// measureInstances is Measure for the instance metrics: both images hold
// instance labels (one channel, T 1); objects are matched one to one by IoU.
func measureInstances(name string, pred, target *Image) (float64, error) {
	for _, im := range []*Image{pred, target} {
		if err := im.check(); err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		if im.Shape[0] != 1 || im.Shape[1] != 1 {
			return 0, fmt.Errorf("%s: image %s has %d time points and %d channels; instance labels have one of each (img.T(i).C(c))", name, im.Name, im.Shape[0], im.Shape[1])
		}
	}
	if !slices.Equal(pred.Shape, target.Shape) {
		return 0, fmt.Errorf("%s: %s is %v, %s is %v: instance labels must have the same shape", name, pred.Name, pred.Shape, target.Name, target.Shape)
	}
	p, err := instanceIDs(pred)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	t, err := instanceIDs(target)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	r, err := instance.Match(p, t, instance.DefaultThresholds())
	if err != nil {
		return 0, fmt.Errorf("%s of %s against %s: %w", name, pred.Name, target.Name, err)
	}
	return framework.InstanceScore(name, r), nil
}

// instanceIDs converts an image of instance labels to ids, refusing values
// that are not ids.
func instanceIDs(im *Image) ([]int32, error) {
	ids, err := toInstanceIDs(im.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (use img.Components() to label a mask)", im.Name, err)
	}
	return ids, nil
}

// toInstanceIDs converts instance labels to ids, refusing values that are
// not ids (checkInstanceIDs).
func toInstanceIDs(data []float32) ([]int32, error) {
	if err := checkInstanceIDs(data); err != nil {
		return nil, err
	}
	out := make([]int32, len(data))
	for i, v := range data {
		out[i] = int32(v)
	}
	return out, nil
}
