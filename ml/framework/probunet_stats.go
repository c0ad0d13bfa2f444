package framework

import (
	"fmt"
	"math"
)

// Uncertainty map channels of a segmentation ProbUnet.
const (
	// UncertaintyEntropy is the predictive entropy H(mean_s p_s) / log K.
	UncertaintyEntropy = 0
	// UncertaintyMI is the mutual information (BALD) H(mean_s p_s) −
	// mean_s H(p_s), divided by log K: the part of the entropy that comes
	// from the samples disagreeing.
	UncertaintyMI = 1
)

// sampleStats turns the stacked samples of one predicted unit ([S·C,
// spatial...], sample-major) into their mean and their spread.
type sampleStats struct {
	samples      int
	segmentation bool
}

// split checks the shape and returns C and the voxels per channel.
func (s sampleStats) split(shape []int) (c, n int, err error) {
	if len(shape) < 2 || s.samples < 1 || shape[0]%s.samples != 0 {
		return 0, 0, fmt.Errorf("probunet: output shape %v does not hold %d samples", shape, s.samples)
	}
	n = 1
	for _, d := range shape[1:] {
		n *= d
	}
	return shape[0] / s.samples, n, nil
}

// probs returns sample k's class probabilities at voxel i into p (K = max(C,
// 2) classes: one channel is a sigmoid's foreground).
func probs(out []float32, k, c, n, i int, p []float64) {
	base := k * c * n
	if c == 1 {
		f := 1 / (1 + math.Exp(-float64(out[base+i])))
		p[0], p[1] = 1-f, f
		return
	}
	m := math.Inf(-1)
	for j := 0; j < c; j++ {
		m = math.Max(m, float64(out[base+j*n+i]))
	}
	var sum float64
	for j := 0; j < c; j++ {
		p[j] = math.Exp(float64(out[base+j*n+i]) - m)
		sum += p[j]
	}
	for j := 0; j < c; j++ {
		p[j] /= sum
	}
}

func entropy(p []float64) float64 {
	var h float64
	for _, v := range p {
		v = math.Max(v, 1e-12)
		h -= v * math.Log(v)
	}
	return h
}

// mean averages the samples: segmentation as probabilities, returned as logits
// whose softmax (sigmoid for one channel) is that mean, so that the declared
// output (prob, labels) applies unchanged; regression as values. Shape [C,
// spatial...].
func (s sampleStats) mean(out []float32, shape []int) ([]float32, []int, error) {
	c, n, err := s.split(shape)
	if err != nil {
		return nil, nil, err
	}
	res := make([]float32, c*n)
	outShape := append([]int{c}, shape[1:]...)
	if !s.segmentation {
		for k := 0; k < s.samples; k++ {
			for i, v := range out[k*c*n : (k+1)*c*n] {
				res[i] += v / float32(s.samples)
			}
		}
		return res, outShape, nil
	}
	kk := max(c, 2)
	p, pm := make([]float64, kk), make([]float64, kk)
	for i := 0; i < n; i++ {
		clear(pm)
		for k := 0; k < s.samples; k++ {
			probs(out, k, c, n, i, p)
			for j := range pm {
				pm[j] += p[j] / float64(s.samples)
			}
		}
		if c == 1 {
			f := math.Min(math.Max(pm[1], 1e-7), 1-1e-7)
			res[i] = float32(math.Log(f / (1 - f)))
			continue
		}
		for j := 0; j < c; j++ {
			res[j*n+i] = float32(math.Log(math.Max(pm[j], 1e-12)))
		}
	}
	return res, outShape, nil
}

// uncertainty maps the samples' spread: for segmentation two channels in [0,
// 1], the predictive entropy and the mutual information (UncertaintyEntropy,
// UncertaintyMI), each divided by log K (K = max(C, 2) classes); for
// regression the per-voxel standard deviation of each channel over samples.
func (s sampleStats) uncertainty(out []float32, shape []int) ([]float32, []int, error) {
	c, n, err := s.split(shape)
	if err != nil {
		return nil, nil, err
	}
	if !s.segmentation {
		res := make([]float32, c*n)
		for i := range res {
			var sum, sq float64
			for k := 0; k < s.samples; k++ {
				v := float64(out[k*c*n+i])
				sum += v
				sq += v * v
			}
			m := sum / float64(s.samples)
			res[i] = float32(math.Sqrt(math.Max(sq/float64(s.samples)-m*m, 0)))
		}
		return res, append([]int{c}, shape[1:]...), nil
	}
	kk := max(c, 2)
	norm := math.Log(float64(kk))
	res := make([]float32, 2*n)
	p, pm := make([]float64, kk), make([]float64, kk)
	for i := 0; i < n; i++ {
		clear(pm)
		var hs float64
		for k := 0; k < s.samples; k++ {
			probs(out, k, c, n, i, p)
			hs += entropy(p) / float64(s.samples)
			for j := range pm {
				pm[j] += p[j] / float64(s.samples)
			}
		}
		h := entropy(pm)
		res[UncertaintyEntropy*n+i] = float32(clamp01(h / norm))
		res[UncertaintyMI*n+i] = float32(clamp01((h - hs) / norm))
	}
	return res, append([]int{2}, shape[1:]...), nil
}

func clamp01(v float64) float64 { return math.Min(math.Max(v, 0), 1) }
