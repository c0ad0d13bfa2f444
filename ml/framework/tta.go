package framework

import (
	stdctx "context"
	"fmt"
	"math"

	"github.com/im2im/im2im/ml/infer"
)

// Test-time augmentations (Predict.TTA).
const (
	// TTANone predicts each window once.
	TTANone = "none"
	// TTAFlips averages the predictions of every combination of flipped
	// spatial axes (4 in 2D, 8 in 3D), each flipped back.
	TTAFlips = "flips"
	// TTAFlipsRot90 adds the rotations by 90° in the YX plane: the 8 symmetries
	// of a square in 2D, those times a z flip (16) in 3D.
	TTAFlipsRot90 = "flips+rot90"
)

// ttaOp is one test-time transform of a window [N, C, spatial...]: flip the
// spatial axes whose bit is set in flips, then rotate the YX plane rot times
// by 90°.
type ttaOp struct{ flips, rot int }

// ttaOps lists the transforms of a mode for dims spatial axes (the identity
// first); nil for none.
func ttaOps(mode string, dims int) []ttaOp {
	var ops []ttaOp
	switch mode {
	case TTAFlips:
		for f := 0; f < 1<<dims; f++ {
			ops = append(ops, ttaOp{flips: f})
		}
	case TTAFlipsRot90:
		// Rotations times a flip of X give the square's 8 symmetries; in 3D
		// each also with z flipped.
		zs := []int{0}
		if dims == 3 {
			zs = append(zs, 1)
		}
		for _, z := range zs {
			for _, fx := range []int{0, 1 << (dims - 1)} {
				for r := 0; r < 4; r++ {
					ops = append(ops, ttaOp{flips: z | fx, rot: r})
				}
			}
		}
	}
	return ops
}

// flipAxis reverses axis a of data (shape s).
func flipAxis(data []float32, s []int, a int) []float32 {
	inner := 1
	for _, d := range s[a+1:] {
		inner *= d
	}
	n := s[a]
	out := make([]float32, len(data))
	for base := 0; base < len(data); base += n * inner {
		for i := 0; i < n; i++ {
			copy(out[base+i*inner:base+(i+1)*inner], data[base+(n-1-i)*inner:base+(n-i)*inner])
		}
	}
	return out
}

// rot90 rotates the last two axes by 90°: out[..., i, j] = in[..., j, W−1−i],
// so [.., H, W] becomes [.., W, H].
func rot90(data []float32, s []int) ([]float32, []int) {
	h, w := s[len(s)-2], s[len(s)-1]
	out := make([]float32, len(data))
	for base := 0; base < len(data); base += h * w {
		for i := 0; i < w; i++ {
			for j := 0; j < h; j++ {
				out[base+i*h+j] = data[base+j*w+(w-1-i)]
			}
		}
	}
	ns := append([]int(nil), s...)
	ns[len(s)-2], ns[len(s)-1] = w, h
	return out, ns
}

// forward applies op to a window (shape [N, C, spatial...]).
func (op ttaOp) forward(data []float32, s []int) ([]float32, []int) {
	dims := len(s) - 2
	for a := 0; a < dims; a++ {
		if op.flips&(1<<a) != 0 {
			data = flipAxis(data, s, 2+a)
		}
	}
	for r := 0; r < op.rot; r++ {
		data, s = rot90(data, s)
	}
	return data, s
}

// inverse undoes forward: the opposite rotation, then the same flips.
func (op ttaOp) inverse(data []float32, s []int) ([]float32, []int) {
	for r := 0; r < (4-op.rot)%4; r++ {
		data, s = rot90(data, s)
	}
	dims := len(s) - 2
	for a := 0; a < dims; a++ {
		if op.flips&(1<<a) != 0 {
			data = flipAxis(data, s, 2+a)
		}
	}
	return data, s
}

// ttaPredictor wraps a window predictor: the prediction of every transform of
// mode, transformed back, stacked on channels ([N, T·C, spatial...],
// transform-major).
func ttaPredictor(p infer.Predictor, mode string) infer.Predictor {
	return func(ctx stdctx.Context, in []float32, shape []int) ([]float32, []int, error) {
		ops := ttaOps(mode, len(shape)-2)
		if len(ops) == 0 {
			return nil, nil, fmt.Errorf("tta: unknown mode %q", mode)
		}
		var outs [][]float32
		var os []int
		for _, op := range ops {
			x, xs := op.forward(in, shape)
			y, ys, err := p(ctx, x, xs)
			if err != nil {
				return nil, nil, err
			}
			y, ys = op.inverse(y, ys)
			if os != nil && fmt.Sprint(ys) != fmt.Sprint(os) {
				return nil, nil, fmt.Errorf("tta: output shape %v after transform %+v, want %v", ys, op, os)
			}
			os = ys
			outs = append(outs, y)
		}
		n, c := os[0], os[1]
		per := len(outs[0]) / (n * c)
		out := make([]float32, 0, len(outs)*len(outs[0]))
		for b := 0; b < n; b++ {
			for _, y := range outs {
				out = append(out, y[b*c*per:(b+1)*c*per]...)
			}
		}
		return out, append([]int{n, len(ops) * c}, os[2:]...), nil
	}
}

// variance maps the spread of stacked predictions of one unit ([T·C,
// spatial...]): with probs, the variance over predictions of the class
// probabilities (softmax, or sigmoid of one channel), averaged over classes,
// one channel; otherwise each channel's variance over predictions.
func (s sampleStats) variance(out []float32, shape []int) ([]float32, []int, error) {
	c, n, err := s.split(shape)
	if err != nil {
		return nil, nil, err
	}
	t := float64(s.samples)
	if !s.segmentation {
		res := make([]float32, c*n)
		for i := range res {
			var sum, sq float64
			for k := 0; k < s.samples; k++ {
				v := float64(out[k*c*n+i])
				sum, sq = sum+v, sq+v*v
			}
			m := sum / t
			res[i] = float32(math.Max(sq/t-m*m, 0))
		}
		return res, append([]int{c}, shape[1:]...), nil
	}
	kk := max(c, 2)
	res := make([]float32, n)
	p := make([]float64, kk)
	sum, sq := make([]float64, kk), make([]float64, kk)
	for i := 0; i < n; i++ {
		clear(sum)
		clear(sq)
		for k := 0; k < s.samples; k++ {
			probs(out, k, c, n, i, p)
			for j, v := range p {
				sum[j], sq[j] = sum[j]+v, sq[j]+v*v
			}
		}
		var v float64
		for j := range p {
			m := sum[j] / t
			v += math.Max(sq[j]/t-m*m, 0) / float64(kk)
		}
		res[i] = float32(v)
	}
	return res, append([]int{1}, shape[1:]...), nil
}

// ttaInference adds test-time augmentation to an FCN-style inference: the
// window predictor is wrapped (ttaPredictor), Post averages the transformed
// predictions (probabilities unless the output is raw) before the declared
// output, and Uncertainty is their variance.
func (p Predict) ttaInference(inf Inference) Inference {
	mode := p.TTA
	stats := func(shape []int) sampleStats {
		return sampleStats{samples: len(ttaOps(mode, len(shape)-1)), segmentation: p.Output != OutputRaw}
	}
	inf.Wrap = func(pr infer.Predictor) infer.Predictor { return ttaPredictor(pr, mode) }
	inf.Post = func(out []float32, shape []int) ([]float32, []int, error) {
		mean, ms, err := stats(shape).mean(out, shape)
		if err != nil || p.Output == OutputRaw {
			return mean, ms, err
		}
		return p.apply(mean, ms)
	}
	inf.Uncertainty = func(out []float32, shape []int) ([]float32, []int, error) {
		return stats(shape).variance(out, shape)
	}
	return inf
}
