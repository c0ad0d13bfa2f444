package loss

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// TestGANValues checks the GAN criteria and feature matching against values
// computed by hand: logits 0 and ln 3 have sigmoids 1/2 and 3/4.
func TestGANValues(t *testing.T) {
	b := newBackend(t)
	logits := arr{[]int{1, 1, 2}, []float64{0, ln3}}
	gan := func(c string, real bool) func(x []*graph.Node) *graph.Node {
		return func(x []*graph.Node) *graph.Node { return GAN(c, x[0], real) }
	}
	fm := func(x []*graph.Node) *graph.Node {
		return FeatureMatching([]*graph.Node{x[0], x[2]}, []*graph.Node{x[1], x[2]})
	}
	cases := []struct {
		name string
		f    func(x []*graph.Node) *graph.Node
		args []arr
		want float64
	}{
		{"vanilla real", gan(GANVanilla, true), []arr{logits}, (ln2 - math.Log(0.75)) / 2},
		{"vanilla fake", gan(GANVanilla, false), []arr{logits}, (ln2 + ln4) / 2},
		{"vanilla large logits stay finite", gan(GANVanilla, false), []arr{{[]int{1, 1, 1}, []float64{800}}}, 800},
		{"lsgan real", gan(GANLSGAN, true), []arr{{[]int{1, 1, 2}, []float64{0, 3}}}, (1 + 4) / 2.0},
		{"lsgan fake", gan(GANLSGAN, false), []arr{{[]int{1, 1, 2}, []float64{0, 3}}}, 9 / 2.0},
		// One intermediate layer |(1,3) − (0,1)| = (1, 2); the logits (third input) are left out.
		{"feature matching", fm, []arr{{[]int{1, 1, 2}, []float64{1, 3}}, {[]int{1, 1, 2}, []float64{0, 1}}, {[]int{1, 1, 1}, []float64{5}}}, 1.5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := eval(t, b, tc.f, tc.args...)
			if math.Abs(got-tc.want) > 1e-9 {
				t.Fatalf("%s = %.12g, want %.12g", tc.name, got, tc.want)
			}
		})
	}
}
