package post

import (
	"fmt"
	"math"
)

// Sigmoid returns 1/(1+exp(-x)) for every element of x in a new slice.
func Sigmoid(x []float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(sigmoid64(float64(v)))
	}
	return out
}

// sigmoid64 is a numerically stable logistic function.
func sigmoid64(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

// Softmax normalises x over its leading channel axis: x holds channels blocks of
// equal length (channel-first layout, e.g. CZYX), and for every spatial position the
// channel values are replaced by exp(v)/sum(exp). It returns a new slice.
func Softmax(x []float32, channels int) ([]float32, error) {
	n, err := spatialLen(len(x), channels)
	if err != nil {
		return nil, err
	}
	out := make([]float32, len(x))
	for p := 0; p < n; p++ {
		m := math.Inf(-1)
		for c := 0; c < channels; c++ {
			m = math.Max(m, float64(x[c*n+p]))
		}
		var sum float64
		for c := 0; c < channels; c++ {
			sum += math.Exp(float64(x[c*n+p]) - m)
		}
		for c := 0; c < channels; c++ {
			out[c*n+p] = float32(math.Exp(float64(x[c*n+p])-m) / sum)
		}
	}
	return out, nil
}

// Argmax returns, for every spatial position of the channel-first array x, the index
// of the channel with the largest value (the first one on ties).
func Argmax(x []float32, channels int) ([]int32, error) {
	n, err := spatialLen(len(x), channels)
	if err != nil {
		return nil, err
	}
	out := make([]int32, n)
	for p := 0; p < n; p++ {
		best := x[p]
		for c := 1; c < channels; c++ {
			if v := x[c*n+p]; v > best {
				best, out[p] = v, int32(c)
			}
		}
	}
	return out, nil
}

func spatialLen(total, channels int) (int, error) {
	if channels <= 0 {
		return 0, fmt.Errorf("post: channels must be positive, got %d", channels)
	}
	if total%channels != 0 {
		return 0, fmt.Errorf("post: %d values cannot be split into %d channels", total, channels)
	}
	return total / channels, nil
}
