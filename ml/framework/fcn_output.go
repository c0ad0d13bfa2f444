package framework

import (
	"fmt"

	"github.com/im2im/im2im/ml/post"
)

// apply turns raw network output (shape [C, spatial...]) into the declared output.
func (p Predict) apply(out []float32, shape []int) ([]float32, []int, error) {
	c := shape[0]
	spatial := shape[1:]
	switch p.Output {
	case OutputProb:
		if c == 1 {
			return post.Sigmoid(out), shape, nil
		}
		prob, err := post.Softmax(out, c)
		return prob, shape, err
	case OutputLabels:
		var labels []float32
		var mask []uint8
		if c == 1 {
			prob := post.Sigmoid(out)
			if p.ThresholdMethod == ThresholdOtsu {
				var err error
				if mask, _, err = post.Otsu(prob); err != nil {
					return nil, nil, fmt.Errorf("predict: otsu threshold: %w", err)
				}
			} else {
				mask = post.Threshold(prob, float32(p.Threshold))
			}
			labels = make([]float32, len(mask))
			for i, v := range mask {
				labels[i] = float32(v)
			}
		} else {
			if p.ThresholdMethod == ThresholdOtsu {
				return nil, nil, fmt.Errorf("predict: threshold_method otsu needs one output channel, got %d (labels of several channels are their argmax)", c)
			}
			idx, err := post.Argmax(out, c)
			if err != nil {
				return nil, nil, err
			}
			labels = make([]float32, len(idx))
			mask = make([]uint8, len(idx))
			for i, v := range idx {
				labels[i] = float32(v)
				if v != 0 {
					mask[i] = 1
				}
			}
		}
		if p.MinSize > 0 && (len(spatial) == 2 || len(spatial) == 3) {
			conn := post.Conn8
			if len(spatial) == 3 {
				conn = post.Conn26
			}
			kept, err := post.RemoveSmallObjects(mask, spatial, conn, p.MinSize)
			if err != nil {
				return nil, nil, err
			}
			for i, v := range kept {
				if v == 0 {
					labels[i] = 0
				}
			}
		}
		return labels, append([]int{1}, spatial...), nil
	}
	return out, shape, nil
}
