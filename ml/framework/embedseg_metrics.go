package framework

import (
	"fmt"
	"slices"

	"github.com/im2im/im2im/ml/instance"
	"github.com/im2im/im2im/ml/train"
)

// hostMetrics builds EmbedSeg's validation metrics: each clusters every crop
// of a validation batch (once per batch, shared by all metrics) and matches
// its objects with the crop's instances.
func (e EmbedSeg) hostMetrics() ([]train.Metric, error) {
	e = e.withDefaults()
	cache := &matchCache{}
	var out []train.Metric
	for _, name := range e.Metrics {
		if !slices.Contains(EmbedSegMetrics, name) {
			return nil, fmt.Errorf("unknown embedseg metric %q (want one of %v)", name, EmbedSegMetrics)
		}
		out = append(out, train.Metric{Name: name, HigherIsBetter: true,
			Host: func(pred, y train.Tensor) (float64, error) {
				rs, err := cache.results(e, pred, y)
				if err != nil {
					return 0, err
				}
				s := 0.0
				for _, r := range rs {
					s += InstanceScore(name, r)
				}
				return s / float64(len(rs)), nil
			}})
	}
	return out, nil
}

// InstanceScore is one of EmbedSegMetrics from a matching at
// instance.DefaultThresholds (0.5, 0.55, …, 0.9).
func InstanceScore(name string, r instance.MatchResult) float64 {
	at := func(t float64) float64 {
		for i, v := range r.Thresholds {
			if v > t-1e-9 && v < t+1e-9 {
				return r.Accuracy[i]
			}
		}
		return 0
	}
	switch name {
	case "ap50":
		return at(0.5)
	case "ap75":
		return at(0.75)
	case "map":
		s := 0.0
		for _, v := range r.Accuracy {
			s += v
		}
		return s / float64(max(1, len(r.Accuracy)))
	case "f1":
		if len(r.F1) > 0 {
			return r.F1[0]
		}
	case "matched_iou":
		return r.MeanMatchedIoU
	}
	return 0
}

// matchCache keeps the matchings of the last validation batch, so that the
// metrics of one batch cluster it once.
type matchCache struct {
	pred []float32
	last []instance.MatchResult
}

func (c *matchCache) results(e EmbedSeg, pred, y train.Tensor) ([]instance.MatchResult, error) {
	if c.last != nil && len(c.pred) == len(pred.Data) && len(pred.Data) > 0 && &c.pred[0] == &pred.Data[0] {
		return c.last, nil
	}
	rs, err := e.matchBatch(pred, y)
	if err != nil {
		return nil, err
	}
	c.pred, c.last = pred.Data, rs
	return rs, nil
}

// matchBatch clusters each item of pred [N, 2·Dims+1, spatial...] and matches
// it with channel 0 of y [N, 2, spatial...].
func (e EmbedSeg) matchBatch(pred, y train.Tensor) ([]instance.MatchResult, error) {
	if len(pred.Shape) != e.Dims+2 || len(y.Shape) != e.Dims+2 || pred.Shape[0] != y.Shape[0] {
		return nil, fmt.Errorf("embedseg: prediction %v and target %v: want [N, C, %dD spatial] with the same N", pred.Shape, y.Shape, e.Dims)
	}
	n, c, cy := pred.Shape[0], pred.Shape[1], y.Shape[1]
	vox := 1
	for _, s := range pred.Shape[2:] {
		vox *= s
	}
	out := make([]instance.MatchResult, n)
	for i := 0; i < n; i++ {
		labels, err := e.clusterLabels(pred.Data[i*c*vox:(i+1)*c*vox], append([]int{c}, pred.Shape[2:]...))
		if err != nil {
			return nil, err
		}
		truth := make([]int32, vox)
		for k, v := range y.Data[i*cy*vox : i*cy*vox+vox] {
			truth[k] = int32(v)
		}
		if out[i], err = instance.Match(labels, truth, instance.DefaultThresholds()); err != nil {
			return nil, err
		}
	}
	return out, nil
}
