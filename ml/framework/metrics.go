package framework

import (
	"github.com/im2im/im2im/ml/metric"
	"github.com/im2im/im2im/ml/train"
)

// Metrics returns the trainer metrics for config names ("dice", "iou", "psnr",
// "ssim", "pearson"; see ml/metric.ByName).
func Metrics(names ...string) ([]train.Metric, error) {
	out := make([]train.Metric, 0, len(names))
	for _, n := range names {
		s, err := metric.ByName(n)
		if err != nil {
			return nil, err
		}
		out = append(out, train.Metric{Name: s.Name, Fn: s.Fn, HigherIsBetter: s.HigherIsBetter})
	}
	return out, nil
}
