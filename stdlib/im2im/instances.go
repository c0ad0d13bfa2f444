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
	dims, conn := []int{y, x}, post.Conn8
	if z > 1 {
		dims, conn = []int{z, y, x}, post.Conn26
	}
	out := *img
	out.Name = img.Name + " components"
	out.DType = "uint16"
	out.Data = make([]float32, len(img.Data))
	n := z * y * x
	mask := make([]uint8, n)
	for off := 0; off < len(img.Data); off += n {
		for i, v := range img.Data[off : off+n] {
			mask[i] = 0
			if v > 0 {
				mask[i] = 1
			}
		}
		labels, _, err := post.Label(mask, dims, conn)
		if err != nil {
			return nil, fmt.Errorf("components of %s: %w", img.Name, err)
		}
		for i, v := range labels {
			out.Data[off+i] = float32(v)
		}
	}
	return &out, nil
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
	if err := checkInstanceIDs(im.Data); err != nil {
		return nil, fmt.Errorf("%s: %w (use img.Components() to label a mask)", im.Name, err)
	}
	out := make([]int32, len(im.Data))
	for i, v := range im.Data {
		out[i] = int32(v)
	}
	return out, nil
}
