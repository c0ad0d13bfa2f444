package transform

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkAugment times the per-epoch transforms on a 1×32×128×128 patch with
// its label.
func BenchmarkAugment(b *testing.B) {
	for _, tr := range []Transform{
		&RandFlip{Prob: 1},
		&RandRot90{Prob: 1, MaxK: 3},
		&RandElastic{Prob: 1, Sigma: 8, Magnitude: 3, LabelKeys: []string{"GT"}},
		&RandHistogramShift{Keys: []string{"IM"}, Prob: 1, Points: 10},
		&RandGamma{Keys: []string{"IM"}, Prob: 1, Min: 0.7, Max: 1.5},
		&RandGaussianNoise{Keys: []string{"IM"}, Prob: 1, Std: 0.1},
		&RandGaussianBlur{Keys: []string{"IM"}, Prob: 1, Min: 0.5, Max: 1.5},
	} {
		b.Run(tr.Name(), func(b *testing.B) {
			base := ramp(1, 32, 128, 128)
			r := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				if _, err := tr.Apply(base.Clone(), r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
