package array

import (
	"fmt"
	"math"
)

// GaussianKernel returns a normalized 1-D Gaussian kernel of standard deviation
// sigma, truncated at 3 sigma (at least one tap each side for sigma > 0).
func GaussianKernel(sigma float64) []float32 {
	if sigma <= 0 {
		return []float32{1}
	}
	r := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*r+1)
	var sum float64
	for i := -r; i <= r; i++ {
		v := math.Exp(-float64(i*i) / (2 * sigma * sigma))
		k[i+r] = float32(v)
		sum += v
	}
	for i := range k {
		k[i] = float32(float64(k[i]) / sum)
	}
	return k
}

// Reflect maps an index outside [0, n) back inside by mirroring at the edges without
// repeating the edge element (…2 1 | 0 1 2 … n-1 | n-2 …), the usual boundary for image
// filters, reflect padding and windows hanging over an image; n == 1 maps everything to 0.
func Reflect(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}

// Convolve1D filters a along axis with kernel k (odd length, centred), mirroring
// at the borders, and returns a new array.
func Convolve1D(a *Array, axis int, k []float32) (*Array, error) {
	if axis < 0 || axis >= a.Rank() {
		return nil, fmt.Errorf("array: axis %d out of range for shape %v", axis, a.Shape)
	}
	if len(k)%2 == 0 {
		return nil, fmt.Errorf("array: kernel length %d is even", len(k))
	}
	out := New(a.Shape...)
	n := a.Shape[axis]
	if n == 0 {
		return out, nil
	}
	r := len(k) / 2
	stride := a.Strides()[axis]
	outer := a.Len() / (n * stride)
	line := make([]float32, n)
	for o := 0; o < outer; o++ {
		for in := 0; in < stride; in++ {
			base := o*n*stride + in
			for i := 0; i < n; i++ {
				line[i] = a.Data[base+i*stride]
			}
			for i := 0; i < n; i++ {
				var s float32
				for j := -r; j <= r; j++ {
					p := i + j
					if p < 0 || p >= n {
						p = Reflect(p, n)
					}
					s += k[j+r] * line[p]
				}
				out.Data[base+i*stride] = s
			}
		}
	}
	return out, nil
}

// GaussianBlur blurs the spatial axes of a channel-first array; sigma has one
// entry per spatial axis (0 leaves that axis alone). Channels are independent.
func GaussianBlur(a *Array, sigma []float64) (*Array, error) {
	if len(sigma) != a.Rank()-1 {
		return nil, fmt.Errorf("array: blur needs %d sigmas for shape %v, got %v", a.Rank()-1, a.Shape, sigma)
	}
	out := a
	for i, s := range sigma {
		if s < 0 || math.IsNaN(s) {
			return nil, fmt.Errorf("array: blur sigma %v is negative or NaN", s)
		}
		if s == 0 {
			continue
		}
		var err error
		out, err = Convolve1D(out, i+1, GaussianKernel(s))
		if err != nil {
			return nil, err
		}
	}
	if out == a {
		out = a.Clone()
	}
	return out, nil
}
