package framework

import (
	stdctx "context"
	"fmt"
	"math"
	"testing"

	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// TestWholeImageStatsMatchUntiled: on an image that fits one window, the
// statistics passes over that one window find the statistics the untiled
// net's instance and group norm layers use (the net on them predicts what
// the plain net predicts), and passes over tiled windows find the same: the
// first layer's exactly (it sees no window border), deeper layers' within 5 %
// of a standard deviation (mean) and 10 % (variance). The nets are untrained
// (random, seeded weights), which also covers a model whose variables the
// passes must create.
func TestWholeImageStatsMatchUntiled(t *testing.T) {
	cases := []struct {
		dims     int
		norm     string
		features []int
		image    []int
		window   []int
		overlap  float64
	}{
		{2, "instance", []int{4, 8}, []int{64, 64}, []int{32, 32}, 0.25},
		{2, "group", []int{16, 32}, []int{64, 64}, []int{32, 16}, 0.5},
		{3, "instance", []int{4, 8}, []int{8, 32, 32}, []int{8, 16, 16}, 0.5},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dD_%s", c.dims, c.norm), func(t *testing.T) {
			f := FCN{Net: nets.UNet{Dims: c.dims, OutChannels: 2, Features: c.features, Norm: c.norm}, Loss: loss.DiceCE{},
				Trainer: train.Config{Epochs: 1, Seed: 3, Dir: t.TempDir()}}
			m, err := New(learnBackend(t), f)
			if err != nil {
				t.Fatal(err)
			}
			x, shape := tilingImage(t, c.image)
			ctx := stdctx.Background()
			one := infer.Options{Window: c.image, BatchSize: 1, FixedBatch: true, Grid: windowGrid(c.image, m.inf.Divisors)}
			exact, err := m.wholeImageStats(ctx, x, shape, one)
			if err != nil {
				t.Fatal(err)
			}
			if len(exact) == 0 || m.normLayers != len(exact) {
				t.Fatalf("%d layers' statistics, %d layers counted", len(exact), m.normLayers)
			}
			batch := append([]int{1}, shape...)
			plain, _, err := m.Predictor()(ctx, x, batch)
			if err != nil {
				t.Fatal(err)
			}
			fixed, _, err := m.fixedPredictor(exact)(ctx, x, batch)
			if err != nil {
				t.Fatal(err)
			}
			for i := range plain {
				if math.Abs(float64(plain[i]-fixed[i])) > 1e-4*(1+math.Abs(float64(plain[i]))) {
					t.Fatalf("output %d: %v on the passes' statistics, %v plain", i, fixed[i], plain[i])
				}
			}
			tiled := infer.Options{Window: c.window, Overlap: c.overlap, BatchSize: 4, FixedBatch: true, Grid: windowGrid(c.window, m.inf.Divisors)}
			got, err := m.wholeImageStats(ctx, x, shape, tiled)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(exact) {
				t.Fatalf("%d layers tiled, %d whole", len(got), len(exact))
			}
			for k := range exact {
				dm, dv := 0.0, 0.0
				for g := range exact[k].mean {
					sd := math.Sqrt(float64(exact[k].variance[g])) + 1e-6
					dm = math.Max(dm, math.Abs(float64(got[k].mean[g]-exact[k].mean[g]))/sd)
					dv = math.Max(dv, math.Abs(float64(got[k].variance[g]-exact[k].variance[g]))/(sd*sd))
				}
				t.Logf("layer %d: tiled mean off by %.2g sd, variance by %.2g (relative)", k+1, dm, dv)
				tolM, tolV := 0.05, 0.1
				if k == 0 {
					tolM, tolV = 1e-4, 1e-3
				}
				if dm > tolM || dv > tolV {
					t.Errorf("layer %d: tiled statistics off by %.3g sd (mean), %.3g (variance)", k+1, dm, dv)
				}
			}
		})
	}
}
