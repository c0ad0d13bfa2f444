package framework

import (
	stdctx "context"
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// pointwise is a per-voxel affine network with outs output channels (any rank), a
// conv-free stand-in for a real net in these unit tests.
type pointwise struct{ outs int }

func (p pointwise) Build(ctx *context.Context, x *graph.Node) *graph.Node {
	var chans []*graph.Node
	for k := 0; k < p.outs; k++ {
		c := ctx.Inf("ch%d", k)
		w := c.VariableWithValue("w", float32(0.1*float64(k+1))).ValueGraph(x.Graph())
		b := c.VariableWithValue("b", float32(0)).ValueGraph(x.Graph())
		chans = append(chans, graph.Add(graph.Mul(x, w), b))
	}
	return graph.Concatenate(chans, 1)
}

func (p pointwise) Validate() error {
	if p.outs < 1 {
		return errString("pointwise.outs: must be ≥ 1")
	}
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }

type mseLoss struct{}

func (mseLoss) Loss(pred, target *graph.Node) *graph.Node {
	return graph.ReduceAllMean(graph.Square(graph.Sub(pred, target)))
}

func unitBackend(t *testing.T) backends.Backend {
	t.Helper()
	b, _, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

// affineSamples returns n 1×8×8 (or 1×4×8×8) samples with y = 2x + 1.
func affineSamples(n int, spatial []int) []train.Sample {
	r := rand.New(rand.NewSource(1))
	size := 1
	for _, d := range spatial {
		size *= d
	}
	shape := append([]int{1}, spatial...)
	out := make([]train.Sample, n)
	for i := range out {
		x, y := make([]float32, size), make([]float32, size)
		for j := range x {
			x[j] = float32(r.Float64()*2 - 1)
			y[j] = 2*x[j] + 1
		}
		out[i] = train.Sample{X: train.Tensor{Shape: shape, Data: x}, Y: train.Tensor{Shape: shape, Data: y}}
	}
	return out
}

func TestValidateListsEveryProblem(t *testing.T) {
	f := FCN{
		Net:     pointwise{outs: 0},
		Trainer: train.Config{Epochs: -2, Optimizer: train.Optimizer{Kind: "rmsprop"}},
		Predict: Predict{Output: "mask", Overlap: 1, Window: []int{0, 16}, MinSize: -1},
	}
	err := f.Validate()
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"model.net: pointwise.outs", "model.loss: missing", "trainer.epochs",
		`trainer.optimizer.kind: want adamw, adam or sgd, got "rmsprop"`, `model.predict.output: want raw, prob or labels, got "mask"`,
		"model.predict.overlap", "model.predict.window[0]", "model.predict.min_size"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	err = FCN{Net: nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8, 16}}, Loss: mseLoss{},
		Predict: Predict{Window: []int{32, 30}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "model.predict.window[1]: 30 is not a multiple of 4") {
		t.Errorf("window not fitting the net: err = %v", err)
	}
	if _, err := New(unitBackend(t), FCN{}); err == nil || !strings.Contains(err.Error(), "model.net: missing") {
		t.Errorf("New with nothing declared: err = %v", err)
	}
}

// TestTrainPredictLoad: train the pointwise net, predict a whole image larger than
// the training patches by sliding windows, save and load the weights into a new model.
func TestTrainPredictLoad(t *testing.T) {
	dir := t.TempDir()
	f := FCN{
		Net: pointwise{outs: 1}, Loss: mseLoss{},
		Trainer: train.Config{Epochs: 30, Dir: dir, Optimizer: train.Optimizer{Kind: "adam", LR: 0.05}},
		Predict: Predict{Overlap: 0.5, BatchSize: 3},
	}
	m, err := New(unitBackend(t), f)
	if err != nil {
		t.Fatal(err)
	}
	data := &train.Samples{Items: affineSamples(16, []int{8, 8}), BatchSize: 4, Shuffle: true}
	if _, err := m.Train(stdctx.Background(), data, data); err != nil {
		t.Fatal(err)
	}
	img := affineSamples(1, []int{19, 23})[0]
	out, shape, err := m.Predict(stdctx.Background(), img.X.Data, img.X.Shape)
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 3 || shape[0] != 1 || shape[1] != 19 || shape[2] != 23 {
		t.Fatalf("output shape %v", shape)
	}
	for i := range out {
		if math.Abs(float64(out[i]-img.Y.Data[i])) > 0.02 {
			t.Fatalf("voxel %d: predicted %v, want about %v", i, out[i], img.Y.Data[i])
		}
	}
	if _, _, err := m.Predict(stdctx.Background(), make([]float32, 2*8*8), []int{2, 8, 8}); err == nil ||
		!strings.Contains(err.Error(), "2 channels, the model takes 1") {
		t.Errorf("predicting a 2-channel image: err = %v", err)
	}

	loaded, err := New(unitBackend(t), FCN{Net: pointwise{outs: 1}, Loss: mseLoss{}, Predict: Predict{Overlap: 0.5, BatchSize: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if err := loaded.Load(filepath.Join(dir, "last.ckpt"), []int{1, 1, 8, 8}); err != nil {
		t.Fatal(err)
	}
	again, _, err := loaded.Predict(stdctx.Background(), img.X.Data, img.X.Shape)
	if err != nil {
		t.Fatal(err)
	}
	for i := range out {
		if again[i] != out[i] {
			t.Fatalf("voxel %d: %v after loading, %v before", i, again[i], out[i])
		}
	}
}

func TestOutputs(t *testing.T) {
	// One channel of logits over a 3×4 image: sigmoid(0) = 0.5 is not above 0.5.
	logits := []float32{
		-2, 3, 3, -1,
		-2, 3, -4, -1,
		0, -1, -1, 5,
	}
	prob, _, err := Predict{Output: OutputProb}.apply(logits, []int{1, 3, 4})
	if err != nil || math.Abs(float64(prob[1])-1/(1+math.Exp(-3))) > 1e-6 {
		t.Fatalf("prob = %v, err %v", prob, err)
	}
	labels, shape, err := Predict{Output: OutputLabels, Threshold: 0.5}.apply(logits, []int{1, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1}
	for i := range want {
		if labels[i] != want[i] {
			t.Fatalf("labels %v (shape %v), want %v", labels, shape, want)
		}
	}
	small, _, err := Predict{Output: OutputLabels, Threshold: 0.5, MinSize: 2}.apply(logits, []int{1, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if small[11] != 0 || small[1] != 1 {
		t.Errorf("MinSize 2 should drop the single voxel at the corner and keep the 3-voxel object: %v", small)
	}
	// Two channels: argmax.
	two := []float32{1, 0, 5, 0, 2, 1}
	am, ashape, err := Predict{Output: OutputLabels}.apply(two, []int{2, 1, 3})
	if err != nil || ashape[0] != 1 || am[0] != 0 || am[1] != 1 || am[2] != 0 {
		t.Fatalf("argmax labels %v shape %v err %v", am, ashape, err)
	}
	sm, _, err := Predict{Output: OutputProb}.apply(two, []int{2, 1, 3})
	if err != nil || math.Abs(float64(sm[0]+sm[3])-1) > 1e-6 {
		t.Fatalf("softmax %v err %v", sm, err)
	}
}

func TestThresholdMethods(t *testing.T) {
	// Two populations of logits, both below probability 0.5: a fixed threshold
	// finds no foreground, Otsu separates them.
	bimodal := []float32{-6, -6.2, -5.8, -1, -1.1, -0.9}
	tests := []struct {
		name    string
		p       Predict
		logits  []float32
		shape   []int
		want    []float32
		wantErr string
	}{
		{"fixed default", Predict{Output: OutputLabels}, bimodal, []int{1, 2, 3}, []float32{0, 0, 0, 0, 0, 0}, ""},
		{"fixed 0.1", Predict{Output: OutputLabels, Threshold: 0.1, ThresholdMethod: ThresholdFixed}, bimodal, []int{1, 2, 3}, []float32{0, 0, 0, 1, 1, 1}, ""},
		{"otsu", Predict{Output: OutputLabels, ThresholdMethod: ThresholdOtsu}, bimodal, []int{1, 2, 3}, []float32{0, 0, 0, 1, 1, 1}, ""},
		{"otsu ignores threshold", Predict{Output: OutputLabels, Threshold: 0.9, ThresholdMethod: ThresholdOtsu}, []float32{4, 4.2, -3, -3.1}, []int{1, 2, 2}, []float32{1, 1, 0, 0}, ""},
		{"otsu on several channels", Predict{Output: OutputLabels, ThresholdMethod: ThresholdOtsu}, []float32{1, 0, 0, 1}, []int{2, 1, 2}, nil, "needs one output channel, got 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, shape, err := tc.p.withDefaults().apply(tc.logits, tc.shape)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if shape[0] != 1 || len(got) != len(tc.want) {
				t.Fatalf("labels %v shape %v", got, shape)
			}
			for i := range tc.want {
				if got[i] != tc.want[i] {
					t.Fatalf("labels %v, want %v", got, tc.want)
				}
			}
		})
	}
	err := FCN{Net: pointwise{outs: 1}, Loss: mseLoss{}, Predict: Predict{ThresholdMethod: "median"}}.Validate()
	if err == nil || !strings.Contains(err.Error(), `model.predict.threshold_method: want fixed or otsu, got "median"`) {
		t.Errorf("unknown method: %v", err)
	}
}

func TestPredictTCZYXLabels(t *testing.T) {
	f := FCN{Net: pointwise{outs: 2}, Loss: mseLoss{}, Predict: Predict{Output: OutputLabels, Window: []int{4, 4}}}
	m, err := New(unitBackend(t), f)
	if err != nil {
		t.Fatal(err)
	}
	// Weights start at 0.1 (channel 0) and 0.2 (channel 1): argmax is 1 where x > 0, else 0.
	shape := []int{2, 1, 3, 5, 6}
	x := make([]float32, 2*3*5*6)
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	out, os, err := m.PredictTCZYX(stdctx.Background(), x, shape, infer.Volume{Dims: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(os) != 5 || os[0] != 2 || os[1] != 1 || os[2] != 3 {
		t.Fatalf("output shape %v", os)
	}
	for i, v := range x {
		want := float32(0)
		if v > 0 {
			want = 1
		}
		if out[i] != want {
			t.Fatalf("voxel %d (x=%v): label %v, want %v", i, v, out[i], want)
		}
	}
}

// A 2D model applies the output per z plane: MinSize counts the voxels of one
// plane's components (8-connected), not of components across planes.
func TestPredictTCZYXAppliesPerPlane(t *testing.T) {
	f := FCN{Net: pointwise{outs: 1}, Loss: mseLoss{}, Predict: Predict{Output: OutputLabels, Window: []int{4, 4}, MinSize: 3}}
	m, err := New(unitBackend(t), f)
	if err != nil {
		t.Fatal(err)
	}
	// T=2, C=1, Z=2, 4×4 planes; x > 0 is foreground (sigmoid(0.1x) > 0.5).
	shape := []int{2, 1, 2, 4, 4}
	x := make([]float32, 2*2*16)
	for i := range x {
		x[i] = -1
	}
	at := func(t, z, y, xx int) int { return ((t*2+z)*4+y)*4 + xx }
	// Two voxels in the same place on both planes of time point 0: 4 voxels
	// connected in 3D, 2 per plane, so removed.
	for z := 0; z < 2; z++ {
		x[at(0, z, 0, 0)], x[at(0, z, 0, 1)] = 1, 1
	}
	// Three voxels on plane 1 of time point 1: kept.
	for xx := 0; xx < 3; xx++ {
		x[at(1, 1, 3, xx)] = 1
	}
	out, os, err := m.PredictTCZYX(stdctx.Background(), x, shape, infer.Volume{Dims: 2})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(os) != "[2 1 2 4 4]" {
		t.Fatalf("output shape %v", os)
	}
	for i, v := range out {
		want := float32(0)
		if i == at(1, 1, 3, 0) || i == at(1, 1, 3, 1) || i == at(1, 1, 3, 2) {
			want = 1
		}
		if v != want {
			t.Fatalf("voxel %d: label %v, want %v", i, v, want)
		}
	}
}

func TestSamplesConversion(t *testing.T) {
	s := array.NewSample("a")
	s.Arrays["IM"] = array.New(1, 4, 4)
	s.Arrays["GT"] = array.New(1, 4, 4)
	got, err := Samples([]*array.Sample{s}, "IM", "GT")
	if err != nil || len(got) != 1 || got[0].X.Shape[1] != 4 {
		t.Fatalf("Samples = %v, %v", got, err)
	}
	if _, err := Samples([]*array.Sample{s}, "IM", "CM"); err == nil || !strings.Contains(err.Error(), `sample a has no "CM"`) {
		t.Errorf("missing key: err = %v", err)
	}
	flat := array.NewSample("b")
	flat.Arrays["IM"], flat.Arrays["GT"] = array.New(16), array.New(16)
	if _, err := Samples([]*array.Sample{flat}, "IM", "GT"); err == nil || !strings.Contains(err.Error(), "sample b, IM") {
		t.Errorf("rank-1 arrays: err = %v", err)
	}
}
