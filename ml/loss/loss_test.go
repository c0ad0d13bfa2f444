package loss

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/im2im/im2im/ml/backend"
)

func newBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

// arr is a float64 tensor argument.
type arr struct {
	dims []int
	v    []float64
}

func (a arr) tensor() *tensors.Tensor { return tensors.FromFlatDataAndDimensions(a.v, a.dims...) }

// eval runs f on the given arrays and returns the scalar result.
func eval(t *testing.T, b backends.Backend, f func(x []*graph.Node) *graph.Node, args ...arr) float64 {
	t.Helper()
	exec, err := graph.NewExec(b, f)
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	in := make([]any, len(args))
	for i, a := range args {
		in[i] = a.tensor()
	}
	out, err := exec.Exec(in...)
	if err != nil {
		t.Fatal(err)
	}
	return out[0].Value().(float64)
}

var (
	ln2, ln3, ln4 = math.Log(2), math.Log(3), math.Log(4)
	// two voxels, two classes: softmax (1/3, 2/3) with class 1, then (3/4, 1/4) with class 0.
	mcLogits = arr{[]int{1, 2, 2}, []float64{0, ln3, ln2, 0}} // [B, C, X]: channel 0 = (0, ln3), channel 1 = (ln2, 0)
	mcLabels = arr{[]int{1, 1, 2}, []float64{1, 0}}
	nllA     = -math.Log(2.0 / 3) // voxel 0
	nllB     = -math.Log(3.0 / 4) // voxel 1
)

func TestLossValues(t *testing.T) {
	b := newBackend(t)
	two := func(l func(p, y *graph.Node) *graph.Node) func(x []*graph.Node) *graph.Node {
		return func(x []*graph.Node) *graph.Node { return l(x[0], x[1]) }
	}
	three := func(l func(p, y, w *graph.Node) *graph.Node) func(x []*graph.Node) *graph.Node {
		return func(x []*graph.Node) *graph.Node { return l(x[0], x[1], x[2]) }
	}
	binLogits := arr{[]int{1, 1, 2}, []float64{0, ln3}}
	binMask := arr{[]int{1, 1, 2}, []float64{1, 0}}
	half4 := arr{[]int{1, 1, 4}, []float64{0, 0, 0, 0}} // p = 0.5 everywhere
	s := Smooth
	gdlNum := 2*(1.0/9*1.5+1*0.5) + s
	gdlDen := (1.0/9*5 + 1*3) + s
	cases := []struct {
		name string
		f    func(x []*graph.Node) *graph.Node
		args []arr
		want float64
	}{
		{"mse", two(MSE{}.Loss), []arr{{[]int{1, 1, 2}, []float64{1, 3}}, {[]int{1, 1, 2}, []float64{0, 1}}}, 2.5},
		{"l1", two(L1{}.Loss), []arr{{[]int{1, 1, 2}, []float64{1, 3}}, {[]int{1, 1, 2}, []float64{0, 1}}}, 1.5},
		{"huber", two(Huber{}.Loss), []arr{{[]int{1, 1, 2}, []float64{1, 3}}, {[]int{1, 1, 2}, []float64{0, 1}}}, 1.0},
		{"huber delta 2", two(Huber{Delta: 2}.Loss), []arr{{[]int{1, 1, 2}, []float64{1, 4}}, {[]int{1, 1, 2}, []float64{0, 1}}}, (0.5 + 2*(3-1)) / 2},
		{"mse cost map", three(MSE{}.WeightedLoss), []arr{{[]int{1, 1, 2}, []float64{1, 3}}, {[]int{1, 1, 2}, []float64{0, 1}}, {[]int{1, 1, 2}, []float64{3, 0.5}}}, (3*1 + 0.5*4) / 2},
		{"bce", two(CE{}.Loss), []arr{binLogits, binMask}, (ln2 + ln4) / 2},
		{"bce class weights", two(CE{ClassWeights: []float64{1, 3}}.Loss), []arr{binLogits, binMask}, (3*ln2 + 1*ln4) / 4},
		{"ce", two(CE{}.Loss), []arr{mcLogits, mcLabels}, (nllA + nllB) / 2},
		{"ce one-hot target", two(CE{}.Loss), []arr{mcLogits, {[]int{1, 2, 2}, []float64{0, 1, 1, 0}}}, (nllA + nllB) / 2},
		{"ce class weights", two(CE{ClassWeights: []float64{1, 3}}.Loss), []arr{mcLogits, mcLabels}, (3*nllA + nllB) / 4},
		{"ce cost map", three(CE{}.WeightedLoss), []arr{mcLogits, mcLabels, {[]int{1, 1, 2}, []float64{2, 1}}}, (2*nllA + nllB) / 2},
		{"dice binary", two(Dice{}.Loss), []arr{half4, {[]int{1, 1, 4}, []float64{1, 0, 0, 0}}}, 1 - (1+s)/(3+s)},
		{"dice 2 classes", two(Dice{}.Loss), []arr{{[]int{1, 2, 4}, make([]float64, 8)}, {[]int{1, 1, 4}, []float64{0, 0, 0, 1}}},
			1 - ((2*1.5+s)/(2+3+s)+(2*0.5+s)/(2+1+s))/2},
		{"dice exclude background", two(Dice{ExcludeBackground: true}.Loss), []arr{{[]int{1, 2, 4}, make([]float64, 8)}, {[]int{1, 1, 4}, []float64{0, 0, 0, 1}}},
			1 - (2*0.5+s)/(2+1+s)},
		{"generalized dice", two(GeneralizedDice{}.Loss), []arr{{[]int{1, 2, 4}, make([]float64, 8)}, {[]int{1, 1, 4}, []float64{0, 0, 0, 1}}},
			1 - gdlNum/gdlDen},
		{"focal binary", two(Focal{}.Loss), []arr{{[]int{1, 1, 1}, []float64{0}}, {[]int{1, 1, 1}, []float64{1}}}, 0.25 * ln2},
		{"focal softmax", two(Focal{}.Loss), []arr{mcLogits, mcLabels},
			(math.Pow(1.0/3, 2)*nllA + math.Pow(1.0/4, 2)*nllB) / 2},
		{"focal gamma 0 is ce", two(Focal{Gamma: 1e-12}.Loss), []arr{mcLogits, mcLabels}, (nllA + nllB) / 2},
		{"dice+ce", two(DiceCE{}.Loss), []arr{half4, {[]int{1, 1, 4}, []float64{1, 0, 0, 0}}}, 1 - (1+s)/(3+s) + ln2},
		{"gdl+focal", two(GDLFocal{}.Loss), []arr{{[]int{1, 2, 4}, make([]float64, 8)}, {[]int{1, 1, 4}, []float64{0, 0, 0, 1}}},
			1 - gdlNum/gdlDen + 0.25*ln2},
		{"deep supervision", two(Deep{Head: MSE{}, OutChannels: 1}.Loss),
			[]arr{{[]int{1, 2, 2}, []float64{1, 1, 2, 2}}, {[]int{1, 1, 2}, []float64{0, 0}}}, (2.0/3)*1 + (1.0/3)*4},
		{"deep supervision, one head", two(Deep{Head: MSE{}, OutChannels: 2}.Loss),
			[]arr{{[]int{1, 2, 2}, []float64{1, 1, 2, 2}}, {[]int{1, 2, 2}, []float64{0, 0, 0, 0}}}, 2.5},
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

func TestShapeErrors(t *testing.T) {
	b := newBackend(t)
	_, err := graph.NewExec(b, func(p, y *graph.Node) *graph.Node { return Dice{}.Loss(p, y) })
	if err != nil {
		t.Fatal(err)
	}
	exec, _ := graph.NewExec(b, func(p, y *graph.Node) *graph.Node { return Dice{}.Loss(p, y) })
	_, err = exec.Exec(arr{[]int{1, 2, 4}, make([]float64, 8)}.tensor(), arr{[]int{1, 1, 3}, make([]float64, 3)}.tensor())
	if err == nil || !strings.Contains(err.Error(), "do not match") {
		t.Fatalf("mismatched target not reported: %v", err)
	}
	exec2, _ := graph.NewExec(b, func(p, y *graph.Node) *graph.Node { return CE{ClassWeights: []float64{1}}.Loss(p, y) })
	_, err = exec2.Exec(arr{[]int{1, 2, 4}, make([]float64, 8)}.tensor(), arr{[]int{1, 1, 4}, make([]float64, 4)}.tensor())
	if err == nil || !strings.Contains(err.Error(), "class_weights") {
		t.Fatalf("wrong class weight count not reported: %v", err)
	}
}
