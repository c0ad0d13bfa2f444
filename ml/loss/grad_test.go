package loss

import (
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/im2im/im2im/ml/gradcheck"
)

func TestLossGradients(t *testing.T) {
	b := newBackend(t)
	labels3 := gradcheck.Input{Name: "y", Dims: []int{2, 1, 3, 3}, Values: []float64{0, 1, 2, 2, 1, 0, 0, 0, 1, 2, 2, 2, 1, 1, 0, 0, 1, 2}}
	mask := gradcheck.Input{Name: "y", Dims: []int{2, 1, 3, 3}, Values: []float64{0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0}}
	cost := gradcheck.Input{Name: "w", Dims: []int{2, 1, 3, 3}, Values: []float64{1, 2, 1, 0.5, 1, 3, 1, 1, 2, 1, 1, 0.2, 1, 4, 1, 1, 1, 1}}
	logits3 := gradcheck.Random("logits", 1, 2, 3, 3, 3)
	logit1 := gradcheck.Random("logit", 2, 2, 1, 3, 3)
	target := gradcheck.Random("target", 3, 2, 1, 3, 3)
	pred := gradcheck.Random("pred", 4, 2, 1, 3, 3)
	type lossFn = func(p, y *graph.Node) *graph.Node
	cases := []struct {
		name string
		l    lossFn
		pred gradcheck.Input
		y    gradcheck.Input
	}{
		{"ce softmax", CE{}.Loss, logits3, labels3},
		{"ce softmax class weights", CE{ClassWeights: []float64{0.5, 1, 2}}.Loss, logits3, labels3},
		{"bce", CE{}.Loss, logit1, mask},
		{"dice softmax", Dice{}.Loss, logits3, labels3},
		{"dice sigmoid", Dice{}.Loss, logit1, mask},
		{"generalized dice", GeneralizedDice{}.Loss, logits3, labels3},
		{"focal softmax", Focal{}.Loss, logits3, labels3},
		{"focal sigmoid", Focal{}.Loss, logit1, mask},
		{"dice ce", DiceCE{}.Loss, logits3, labels3},
		{"gdl focal", GDLFocal{}.Loss, logits3, labels3},
		{"mse", MSE{}.Loss, pred, target},
		{"l1", L1{}.Loss, pred, target},
		{"huber", Huber{Delta: 0.5}.Loss, pred, target},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Only the prediction is differentiated; the target enters as a constant.
			y := tc.y
			f := func(x []*graph.Node) *graph.Node {
				yn := graph.Reshape(graph.Const(x[0].Graph(), y.Values), y.Dims...)
				return tc.l(x[0], yn)
			}
			if _, err := gradcheck.Check(b, f, []gradcheck.Input{tc.pred}, gradcheck.Options{}); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("ce cost map", func(t *testing.T) {
		f := func(x []*graph.Node) *graph.Node {
			g := x[0].Graph()
			yn := graph.Reshape(graph.Const(g, labels3.Values), labels3.Dims...)
			wn := graph.Reshape(graph.Const(g, cost.Values), cost.Dims...)
			return CE{}.WeightedLoss(x[0], yn, wn)
		}
		if _, err := gradcheck.Check(b, f, []gradcheck.Input{logits3}, gradcheck.Options{}); err != nil {
			t.Fatal(err)
		}
	})
}
