package instance

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// bench2048 is a 2048×2048 prediction of 45×45 = 2025 touching discs (radius 10–24
// voxels) with embedding noise of 1 voxel and a reach of 5 voxels, built once.
var bench2048 = sync.OnceValues(func() ([]float32, []int32) {
	rng := rand.New(rand.NewPCG(2048, 1))
	labels := discs(2048, 2048, 45, 45, 10, 24, rng)
	s := synth{dims: 2, step: DefaultClusterOptions(2).Step, reachPx: 5, noisePx: 1}
	return s.pred(labels, [3]int{1, 2048, 2048}, rng), labels
})

// BenchmarkCluster2048 clusters bench2048 with the 2D defaults; it reports the
// instances found and the accuracy (Match at IoU 0.5) against the discs. Run it on one
// core with GOMAXPROCS=1 (see README.md).
func BenchmarkCluster2048(b *testing.B) {
	pred, truth := bench2048()
	shape := [3]int{1, 2048, 2048}
	o := DefaultClusterOptions(2)
	var labels []int32
	var n int
	b.ResetTimer()
	for range b.N {
		var err error
		if labels, n, err = Cluster(pred, shape, o); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	m, err := Match(labels, truth, []float64{0.5})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n), "instances")
	b.ReportMetric(m.Accuracy[0], "AP50")
}
