package train

import (
	stdctx "context"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Config.InitWeights initialise the model like a checkpoint, and each one must
// fit a model variable.
func TestInitWeights(t *testing.T) {
	_, a := trainedCheckpoint(t, mlp(8, 1), 2)
	aw := weights(t, a)
	shapes := map[string][]int{"/hidden/weights": {2, 8}, "/hidden/bias": {8}, "/out/weights": {8, 1}, "/out/bias": {1}}
	trained := map[string]*tensors.Tensor{}
	for name, dims := range shapes {
		trained[name] = tensors.FromFlatDataAndDimensions(aw[name], dims...)
	}
	with := func(name string, v *tensors.Tensor) map[string]*tensors.Tensor {
		m := map[string]*tensors.Tensor{name: v}
		for k, x := range trained {
			if k != name {
				m[k] = x
			}
		}
		return m
	}
	cases := []struct {
		name string
		w    map[string]*tensors.Tensor
		want string // error; "" loads all four
	}{
		{"trained", trained, ""},
		{"shape", with("/hidden/weights", tensors.FromFlatDataAndDimensions(make([]float32, 8), 2, 4)),
			"/hidden/weights: shape (Float32)[2 8], checkpoint has (Float32)[2 4]"},
		{"unknown", with("/other/weights", tensors.FromFlatDataAndDimensions(make([]float32, 2), 2)),
			"/other/weights [2]: the model has no such variable"},
	}
	x := Tensor{Shape: []int{2, 2}, Data: []float32{0.1, -0.4, 0.7, 0.2}}
	want, err := a.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		b := newTrainer(t, mlp(8, 1), Config{Epochs: 1, InitFrom: "pkg.zip", InitWeights: tc.w, Optimizer: Optimizer{Kind: "sgd", LR: 1e-12}})
		res, err := b.Fit(stdctx.Background(), regressionData(8, 8, 5), nil)
		if tc.want != "" {
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "init_from pkg.zip") {
				t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(res.Init.Loaded) != 4 {
			t.Errorf("%s: loaded %v, want all four", tc.name, res.Init.Loaded)
		}
		got, err := b.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got.Data {
			if d := got.Data[i] - want.Data[i]; d > 1e-5 || d < -1e-5 {
				t.Errorf("%s: prediction %d is %g, the trained model's %g", tc.name, i, got.Data[i], want.Data[i])
			}
		}
	}
}
