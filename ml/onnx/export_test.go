package onnx

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/nets"
)

// netCase is one net exported and checked against im2im's own output.
type netCase struct {
	name string
	net  nets.Net
	in   []int
}

// exportCases cover every layer kind of ml/nets' U-Nets: each norm, each
// activation, strided-conv and max-pool down-sampling, both up-sampling forms,
// per-axis strides, residual units, attention gates, DynUNet and the GANs'
// ResNet generator (mirrored and replicated borders), EmbedSeg's
// BranchedERFNet (dilated and one-axis kernels, ε 1e-3 batch norms), in 2D and 3D.
var exportCases = []netCase{
	{"unet2d", nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8, 16}}, []int{2, 1, 16, 16}},
	{"unet3d", nets.UNet{Dims: 3, OutChannels: 1, Features: []int{4, 8}, Norm: "batch", Act: "relu", Down: nets.DownMaxPool},
		[]int{1, 2, 8, 8, 8}},
	{"unet2d_group_residual", nets.UNet{Dims: 2, OutChannels: 3, Features: []int{4, 8, 8}, Strides: []int{2, 1}, NumResUnits: 2,
		Norm: "group", Act: "leakyrelu", UpKernelSize: 3}, []int{1, 1, 12, 8}},
	{"unet3d_anisotropic", nets.UNet{Dims: 3, OutChannels: 1, Features: []int{4, 8}, AxisStrides: [][]int{{1, 2, 2}}, Act: "elu",
		UpKernelSize: 3}, []int{1, 1, 3, 8, 8}},
	{"unet2d_nonorm", nets.UNet{Dims: 2, OutChannels: 1, Features: []int{4, 8}, Norm: "none", Act: "tanh", KernelSize: 5},
		[]int{1, 1, 8, 8}},
	{"attention2d", nets.AttentionUNet{Dims: 2, OutChannels: 2, Features: []int{4, 8, 8}}, []int{1, 1, 16, 16}},
	{"dynunet3d", nets.DynUNet{Dims: 3, OutChannels: 2, Features: []int{4, 8, 8}, DeepSupervision: 1, Act: "sigmoid",
		AxisStrides: [][]int{{2, 2, 2}, {1, 2, 2}}}, []int{1, 1, 4, 8, 8}},
	{"resnet2d", nets.ResNetGenerator{Dims: 2, OutChannels: 2, NF: 4, NDown: 2, NRes: 2}, []int{1, 1, 12, 8}},
	{"resnet3d_batch", nets.ResNetGenerator{Dims: 3, NF: 4, NDown: 1, NRes: 1, Norm: "batch"}, []int{1, 2, 6, 8, 4}},
	{"resnet2d_nonorm", nets.ResNetGenerator{Dims: 2, NF: 4, NDown: 1, NRes: 1, Norm: "none"}, []int{1, 1, 8, 8}},
	{"erfnet2d", nets.BranchedERFNet{Dims: 2}, []int{1, 3, 16, 8}},
	{"erfnet3d", nets.BranchedERFNet{Dims: 3}, []int{1, 1, 8, 8, 16}},
}

// TestExportMatchesIm2im exports each net with random weights (every variable,
// batch-norm statistics and PReLU slopes included), writes im2im's input and
// output next to the model and has the real consumers check it. With
// IM2IM_ONNX_OUT set, the files stay in that folder.
func TestExportMatchesIm2im(t *testing.T) {
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	root := os.Getenv("IM2IM_ONNX_OUT")
	if root == "" {
		root = t.TempDir()
	}
	var models []string
	for i, tc := range exportCases {
		dir := filepath.Join(root, tc.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		x, y, w := runNet(t, b, tc.net, tc.in, uint64(i+1))
		model, info, err := Export(tc.net, w, Options{Doc: tc.name})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		t.Logf("%s: %d bytes, ops %v", tc.name, len(model), info.Ops)
		if info.InChannels != tc.in[1] {
			t.Errorf("%s: info.InChannels %d, want %d", tc.name, info.InChannels, tc.in[1])
		}
		paths := []string{filepath.Join(dir, "model.onnx"), filepath.Join(dir, "input.npy"), filepath.Join(dir, "output.npy")}
		if err := os.WriteFile(paths[0], model, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := writeNPY(paths[1], x.Shape().Dimensions, flat(t, x)); err != nil {
			t.Fatal(err)
		}
		if err := writeNPY(paths[2], y.Shape().Dimensions, flat(t, y)); err != nil {
			t.Fatal(err)
		}
		models = append(models, paths[0])
		checkWithORT(t, paths[0], paths[1], paths[2], tolerance(flat(t, y)))
	}
	checkWithONNX(t, models...)
}

// tolerance is the largest accepted max abs difference from im2im's output
// y: ortTolerance, relative to y's largest magnitude beyond 1 (random batch
// norms through ERFNet's 49 layers reach outputs of tens).
func tolerance(y []float32) float64 {
	scale := 1.0
	for _, v := range y {
		scale = max(scale, math.Abs(float64(v)))
	}
	return ortTolerance * scale
}

// runNet builds net on a fresh context, gives every variable random values,
// and returns a random input, the inference output and the variables.
func runNet(t *testing.T, b backends.Backend, net nets.Net, dims []int, seed uint64) (x, y *tensors.Tensor, w MapWeights) {
	t.Helper()
	ctx := context.New()
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
		ctx.SetTraining(x.Graph(), false)
		return net.Build(ctx, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	r := rand.New(rand.NewPCG(seed, 7))
	x = randomTensor(r, dims, 0, 1)
	if _, err := exec.Exec(x); err != nil { // creates the variables
		t.Fatal(err)
	}
	w = MapWeights{}
	for v := range ctx.IterVariables() {
		name := v.ScopeAndName()
		vdims := v.Shape().Dimensions
		var nt *tensors.Tensor
		switch {
		case strings.HasSuffix(name, "/running_var"):
			nt = randomTensor(r, vdims, 1, 0.3)
		case strings.HasSuffix(name, "/gamma"):
			nt = randomTensor(r, vdims, 1, 0.2)
		case strings.HasSuffix(name, "/slope"):
			nt = randomTensor(r, vdims, 0.25, 0.1)
		case strings.HasSuffix(name, "/weights"):
			old, err := v.Value()
			if err != nil {
				t.Fatal(err)
			}
			nt = tensors.FromFlatDataAndDimensions(flat(t, old), vdims...) // SetValue frees the old value
		default: // bias, beta, running_mean
			nt = randomTensor(r, vdims, 0, 0.2)
		}
		if strings.HasSuffix(name, "/running_var") {
			abs(t, nt)
		}
		if err := v.SetValue(nt); err != nil {
			t.Fatal(err)
		}
		w[name] = nt
	}
	out, err := exec.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	return x, out[0], w
}

func randomTensor(r *rand.Rand, dims []int, mean, std float64) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(mean + std*r.NormFloat64())
	}
	if len(dims) == 0 {
		return tensors.FromScalar(v[0])
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

func abs(t *testing.T, x *tensors.Tensor) {
	t.Helper()
	tensors.MutableFlatData(x, func(v []float32) {
		for i := range v {
			if v[i] < 0 {
				v[i] = -v[i]
			}
		}
	})
}

func flat(t *testing.T, x *tensors.Tensor) []float32 {
	t.Helper()
	var out []float32
	if err := x.ConstFlatData(func(f any) { out = append(out, f.([]float32)...) }); err != nil {
		t.Fatal(err)
	}
	return out
}
