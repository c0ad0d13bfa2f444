package plot

import "testing"

// BenchmarkCurves renders a training panel's curves: 1000 step losses and three
// validation series over 20 epochs.
func BenchmarkCurves(b *testing.B) {
	steps := make([]float64, 1000)
	for i := range steps {
		steps[i] = 1 / float64(i+1)
	}
	ep := make([]float64, 20)
	for i := range ep {
		ep[i] = float64(i) / 20
	}
	for b.Loop() {
		f := Charts(Chart{Title: "loss", LogY: true, Curves: []Curve{{Name: "train", Y: steps}}},
			Chart{Title: "metrics", Curves: []Curve{{Name: "dice", Y: ep}, {Name: "iou", Y: ep}, {Name: "loss", Y: ep}}})
		if f.Err() != nil {
			b.Fatal(f.Err())
		}
	}
}

// BenchmarkImages renders an input / target / prediction row of 256×256 images.
func BenchmarkImages(b *testing.B) {
	im := make([]float32, 256*256)
	for i := range im {
		im[i] = float32(i % 251)
	}
	for b.Loop() {
		f := Images(Panel{Title: "input", Data: im, Shape: []int{1, 256, 256}}, Panel{Title: "target", Data: im, Shape: []int{1, 256, 256}},
			Panel{Title: "prediction", Data: im, Shape: []int{1, 256, 256}})
		if f.Err() != nil {
			b.Fatal(f.Err())
		}
	}
}
