package infer

import (
	"context"
	"testing"
)

// BenchmarkPredictBlend2D measures the pure-Go overhead of sliding-window
// prediction (window extraction, gaussian blending, normalisation) on a 1024²
// two-channel image with an identity predictor.
func BenchmarkPredictBlend2D(b *testing.B) {
	shape := []int{2, 1024, 1024}
	x := random(shape, 1)
	id := func(_ context.Context, in []float32, s []int) ([]float32, []int, error) { return in, s, nil }
	opt := Options{Window: []int{128, 128}, Overlap: 0.25, BatchSize: 8}
	b.SetBytes(int64(4 * len(x)))
	for b.Loop() {
		if _, _, err := Predict(context.Background(), x, shape, id, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredictBlend3D is the same on a 64×256×256 volume with 32×64×64 windows.
func BenchmarkPredictBlend3D(b *testing.B) {
	shape := []int{1, 64, 256, 256}
	x := random(shape, 1)
	id := func(_ context.Context, in []float32, s []int) ([]float32, []int, error) { return in, s, nil }
	opt := Options{Window: []int{32, 64, 64}, Overlap: 0.25, BatchSize: 4}
	b.SetBytes(int64(4 * len(x)))
	for b.Loop() {
		if _, _, err := Predict(context.Background(), x, shape, id, opt); err != nil {
			b.Fatal(err)
		}
	}
}
