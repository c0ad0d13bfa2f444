package im2im

import (
	"fmt"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/ml/backend/fast"
	"github.com/im2im/im2im/ml/metric"
	"github.com/im2im/im2im/stdlib/plot"
)

// metricBackend is the pure-Go backend cells' measures run on (they are small
// graphs; no accelerator is worth a transfer).
var metricBackend = sync.OnceValues(func() (backends.Backend, error) { return backends.NewWithConfig(fast.Name) })

// Measure computes a metric of a prediction against its target with the code
// the trainer validates with: dice, iou (one channel: prediction above 0 against
// target above ½; several: the argmax against the labels), psnr, ssim, pearson;
// and, on instance labels (one id per object), the instance metrics ap50,
// ap75, map, f1 and matched_iou (objects matched one to one by IoU, as
// EmbedSeg validates; see img.Components for an FCN's labels).
// Both images are taken whole as one sample [C, Z, Y, X] per time point, T
// must be 1; the target may have one channel of labels where the prediction has
// one per class.
func Measure(name string, pred, target *Image) (float64, error) {
	if isInstanceMetric(name) {
		return measureInstances(name, pred, target)
	}
	spec, err := metric.ByName(name)
	if err != nil {
		return 0, err
	}
	for _, im := range []*Image{pred, target} {
		if err := im.check(); err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		if im.Shape[0] != 1 {
			return 0, fmt.Errorf("%s: image %s has %d time points; measure one (img.T(i))", name, im.Name, im.Shape[0])
		}
	}
	b, err := metricBackend()
	if err != nil {
		return 0, err
	}
	dims := func(im *Image) []int {
		if im.Shape[2] == 1 { // 2D: [1, C, Y, X]
			return []int{1, im.Shape[1], im.Shape[3], im.Shape[4]}
		}
		return im.Shape // [1, C, Z, Y, X]
	}
	v, err := metric.Compute(b, spec.Fn, pred.Data, dims(pred), target.Data, dims(target))
	if err != nil {
		return 0, fmt.Errorf("%s of %s against %s: %w", name, pred.Name, target.Name, err)
	}
	return v, nil
}

// MustMeasure is Measure for cells: it panics with the error, which the
// notebook shows as the cell's error.
func MustMeasure(name string, pred, target *Image) float64 {
	v, err := Measure(name, pred, target)
	if err != nil {
		panic(err)
	}
	return v
}

// ShowImages shows images side by side (each its Panel) in the notebook.
func ShowImages(images ...*Image) {
	panels := make([]plot.Panel, len(images))
	for i, im := range images {
		panels[i] = im.Panel()
	}
	plot.Images(panels...).Show()
}
