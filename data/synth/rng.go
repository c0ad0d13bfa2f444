package synth

import (
	"math"
	"math/rand/v2"
)

// newRand returns the generator's random source for a seed and a stream; streams
// keep the scene, the texture and the noise independent of each other.
func newRand(seed uint64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15^stream))
}

// poisson draws a Poisson variate of mean lambda (Knuth's product method for small
// means, a rounded normal approximation above 30).
func poisson(r *rand.Rand, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		v := math.Round(lambda + math.Sqrt(lambda)*r.NormFloat64())
		return math.Max(0, v)
	}
	l := math.Exp(-lambda)
	k := 0.0
	p := r.Float64()
	for p > l {
		k++
		p *= r.Float64()
	}
	return k
}
