package opcheck_test

import (
	stdctx "context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/xla"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/opcheck"
	"github.com/im2im/im2im/ml/train"
)

// recording is a framework whose task notes every graph it builds: the training
// step (loss, gradients, optimizer updates), validation and prediction graphs.
type recording struct {
	framework.Framework
	mu     sync.Mutex
	graphs []*graph.Graph
}

func (r *recording) add(g *graph.Graph) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, h := range r.graphs {
		if h == g {
			return
		}
	}
	r.graphs = append(r.graphs, g)
}

// Task implements framework.Framework: the wrapped task, noting each graph.
func (r *recording) Task() train.Task {
	t := r.Framework.Task()
	objs := append([]train.Objective(nil), t.Objectives...)
	for i := range objs {
		fn := objs[i].Loss
		objs[i].Loss = func(ctx *context.Context, in train.Inputs) *graph.Node {
			r.add(in.X.Graph())
			return fn(ctx, in)
		}
	}
	t.Objectives = objs
	pred := t.Predict
	t.Predict = func(ctx *context.Context, x *graph.Node) *graph.Node {
		r.add(x.Graph())
		return pred(ctx, x)
	}
	if infer := t.Infer; infer != nil {
		t.Infer = func(ctx *context.Context, x *graph.Node) *graph.Node {
			r.add(x.Graph())
			return infer(ctx, x)
		}
	}
	return t
}

// samples returns n random samples [1, spatial...]: the input, a 0/1 target (a
// class index for segmentation, an image for regression) and, with costMap, a
// positive per-voxel weight.
func samples(n int, spatial []int, costMap bool) []train.Sample {
	r := rand.New(rand.NewPCG(1, 2))
	shape := append([]int{1}, spatial...)
	size := 1
	for _, d := range spatial {
		size *= d
	}
	out := make([]train.Sample, n)
	for i := range out {
		x, y, w := make([]float32, size), make([]float32, size), make([]float32, size)
		for k := range x {
			x[k] = r.Float32()
			if x[k] > 0.5 {
				y[k] = 1
			}
			w[k] = 0.5 + r.Float32()
		}
		out[i] = train.Sample{X: train.Tensor{Shape: shape, Data: x}, Y: train.Tensor{Shape: shape, Data: y}}
		if costMap {
			out[i].W = train.Tensor{Shape: shape, Data: w}
		}
	}
	return out
}

// instanceTargets turns the samples' masks into EmbedSeg targets [2, spatial...]:
// instance ids (the mask's voxels split in two objects by position) and one
// centre voxel per object.
func instanceTargets(data []train.Sample) []train.Sample {
	for i, s := range data {
		n := len(s.Y.Data)
		y := make([]float32, 2*n)
		for k, v := range s.Y.Data {
			if v > 0 {
				y[k] = float32(1 + 2*k/n)
			}
		}
		y[n+n/4], y[n+3*n/4] = 1, 1
		data[i].Y = train.Tensor{Shape: append([]int{2}, s.Y.Shape[1:]...), Data: y}
	}
	return data
}

// TestTrainingGraphsUseOnlyXLAOps trains every framework with every net family,
// norm, activation, down/up-sampling, loss, metric and optimizer for one step on the
// pure-Go backend, validates and predicts, and checks that each operation and data
// type of the recorded graphs is one XLA implements (GoMLX's xla.Capabilities at
// the version in go.mod): our CPU backends complete simplego with composed ops, and
// a graph must not come to depend on one XLA lacks. A new framework joins the table.
func TestTrainingGraphsUseOnlyXLAOps(t *testing.T) {
	metrics := func(names ...string) []train.Metric {
		m, err := framework.Metrics(names...)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	cfg := func(o train.Optimizer, clip float64) train.Config {
		return train.Config{Epochs: 1, Seed: 1, Optimizer: o, ClipNorm: clip}
	}
	two, three := []int{16, 16}, []int{4, 8, 8}
	cases := []struct {
		name    string
		fw      framework.Framework
		spatial []int
		costMap bool
	}{
		{"fcn unet 2D instance prelu conv-down, DiceCE with cost map, adamw clipped", framework.FCN{
			Net:  nets.UNet{Dims: 2, OutChannels: 2, Features: []int{2, 4}},
			Loss: loss.DiceCE{}, Metrics: metrics("dice", "iou"), Trainer: cfg(train.Optimizer{}, 1),
		}, two, true},
		{"fcn unet 3D batch relu maxpool dropout, CE, sgd nesterov", framework.FCN{
			Net:  nets.UNet{Dims: 3, OutChannels: 2, Features: []int{2, 4}, Norm: "batch", Act: "relu", Down: nets.DownMaxPool, Dropout: 0.1},
			Loss: loss.CE{}, Metrics: metrics("dice"), Trainer: cfg(train.Optimizer{Kind: "sgd", Momentum: 0.9, Nesterov: true}, 0),
		}, three, false},
		{"fcn unet 2D residual group leakyrelu up-kernel 3, Focal with cost map, adam", framework.FCN{
			Net:  nets.UNet{Dims: 2, OutChannels: 2, Features: []int{2, 4}, NumResUnits: 1, Norm: "group", Act: "leakyrelu", UpKernelSize: 3},
			Loss: loss.Focal{}, Metrics: metrics("iou"), Trainer: cfg(train.Optimizer{Kind: "adam", WeightDecay: 1e-4}, 0),
		}, two, true},
		{"fcn attention unet 2D elu, GeneralizedDice", framework.FCN{
			Net:  nets.AttentionUNet{Dims: 2, OutChannels: 2, Features: []int{2, 4}, Act: "elu"},
			Loss: loss.GeneralizedDice{}, Metrics: metrics("dice"), Trainer: cfg(train.Optimizer{}, 0),
		}, two, false},
		{"fcn dynunet 3D anisotropic deep supervision, Deep GDLFocal", framework.FCN{
			Net:  nets.DynUNet{Dims: 3, OutChannels: 2, Features: []int{2, 4, 8}, AxisStrides: [][]int{{1, 2, 2}, {2, 2, 2}}, DeepSupervision: 1},
			Loss: loss.Deep{Head: loss.GDLFocal{}, OutChannels: 2}, Metrics: metrics("dice"), Trainer: cfg(train.Optimizer{}, 0),
		}, three, false},
		{"fcn unet 2D batch sigmoid, Dice", framework.FCN{
			Net:  nets.UNet{Dims: 2, OutChannels: 2, Features: []int{2, 4}, Norm: "batch", Act: "sigmoid"},
			Loss: loss.Dice{}, Metrics: metrics("dice"), Trainer: cfg(train.Optimizer{}, 0),
		}, two, false},
		{"fcn unet 2D regression tanh, MSE with cost map, image metrics", framework.FCN{
			Net:  nets.UNet{Dims: 2, OutChannels: 1, Features: []int{2, 4}, Act: "tanh"},
			Loss: loss.MSE{}, Metrics: metrics("psnr", "ssim", "pearson"), Trainer: cfg(train.Optimizer{}, 0),
		}, two, true},
		{"fcn unet 3D regression no norm, L1", framework.FCN{
			Net:  nets.UNet{Dims: 3, OutChannels: 1, Features: []int{2, 4}, Norm: "none"},
			Loss: loss.L1{}, Metrics: metrics("psnr"), Trainer: cfg(train.Optimizer{}, 0),
		}, three, false},
		{"fcn unet 2D regression, Huber", framework.FCN{
			Net:  nets.UNet{Dims: 2, OutChannels: 1, Features: []int{2, 4}},
			Loss: loss.Huber{Delta: 1}, Metrics: metrics("pearson"), Trainer: cfg(train.Optimizer{}, 0),
		}, two, false},
		{"pix2pix unet generator, 2-scale PatchGAN, vanilla GAN + L1 + feature matching", framework.Pix2Pix{
			Generator:     nets.UNet{Dims: 2, OutChannels: 1, Features: []int{2, 4}},
			Discriminator: nets.PatchGAN{Dims: 2, NF: 2, NLayers: 1, Scales: 2},
			Loss:          framework.GANLoss{Criterion: loss.GANVanilla, Reconstruction: loss.L1{}, WeightGAN: 1, WeightRec: 10, WeightFM: 1},
			Metrics:       metrics("psnr"), Trainer: cfg(train.Optimizer{Kind: "adam"}, 0), DOptimizer: train.Optimizer{Kind: "adam"},
		}, two, false},
		{"pix2pix 3D resnet generator (replication padding), lsgan", framework.Pix2Pix{
			Generator:     nets.ResNetGenerator{Dims: 3, OutChannels: 1, NF: 2, NDown: 1, NRes: 1},
			Discriminator: nets.PatchGAN{Dims: 3, NF: 2, NLayers: 1, MMVLayout: true},
			Loss:          framework.GANLoss{Criterion: loss.GANLSGAN, Reconstruction: loss.MSE{}, WeightGAN: 1, WeightRec: 10},
			Metrics:       metrics("ssim"), Trainer: cfg(train.Optimizer{Kind: "adam"}, 0), DOptimizer: train.Optimizer{Kind: "adam"},
		}, []int{4, 8, 8}, false},
		{"cyclegan 3D unet generators, PatchGANs, replay pools, predict BtoA", framework.CycleGAN{
			Generator:     nets.UNet{Dims: 3, OutChannels: 1, Features: []int{2, 4}},
			Discriminator: nets.PatchGAN{Dims: 3, NF: 2, NLayers: 1, MMVLayout: true},
			Criterion:     loss.GANLSGAN, WeightGAN: 1, WeightCycle: 10, WeightIdentity: 5, PoolSize: 3,
			Metrics: metrics("dice"), Trainer: cfg(train.Optimizer{Kind: "adam"}, 0), DOptimizer: train.Optimizer{Kind: "adam"},
			Direction: framework.BtoA,
		}, []int{4, 8, 8}, false},
		{"probunet 2D segmentation, DiceCE with cost map, 3 samples", framework.ProbUnet{
			Net:  nets.UNet{Dims: 2, OutChannels: 2, Features: []int{2, 4}},
			Loss: loss.DiceCE{}, Segmentation: true, Samples: 3, Metrics: metrics("dice"), Trainer: cfg(train.Optimizer{}, 0),
		}, two, true},
		{"probunet 3D regression, MSE", framework.ProbUnet{
			Net:  nets.UNet{Dims: 3, OutChannels: 1, Features: []int{2, 4}, Norm: "none"},
			Loss: loss.MSE{}, LatentDim: 2, Metrics: metrics("psnr"), Trainer: cfg(train.Optimizer{}, 0),
		}, []int{4, 8, 8}, false},
		{"embedseg 2D BranchedERFNet, spatial embedding loss (input padded to 8), clustering metrics", framework.EmbedSeg{
			Net: nets.BranchedERFNet{Dims: 2}, Dims: 2, Loss: loss.SpatialEmbeddingConfig{MaxInstances: 4},
			Metrics: []string{"ap50"}, Trainer: cfg(train.Optimizer{Kind: "adam"}, 0),
		}, []int{12, 16}, false},
		{"embedseg 3D U-Net head, anisotropic step", framework.EmbedSeg{
			Net: nets.UNet{Dims: 3, OutChannels: 7, Features: []int{2, 4}}, Dims: 3, Step: [3]float64{0.004, 0.001, 0.001},
			Loss: loss.SpatialEmbeddingConfig{MaxInstances: 4}, Trainer: cfg(train.Optimizer{Kind: "adam"}, 0),
		}, []int{4, 8, 8}, false},
	}
	be, err := backends.NewWithConfig(backend.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer be.Finalize()
	all := map[backends.OpType]int{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recording{Framework: tc.fw}
			m, err := framework.New(be, rec)
			if err != nil {
				t.Fatal(err)
			}
			data := samples(2, tc.spatial, tc.costMap)
			if _, ok := tc.fw.(framework.EmbedSeg); ok {
				data = instanceTargets(data)
			}
			ds := &train.Samples{Items: data, BatchSize: 2}
			if _, err := m.Train(stdctx.Background(), ds, ds); err != nil {
				t.Fatal(err)
			}
			if _, _, err := m.Predict(stdctx.Background(), data[0].X.Data, data[0].X.Shape); err != nil {
				t.Fatal(err)
			}
			if len(rec.graphs) < 3 {
				t.Fatalf("recorded %d graphs, want training, validation and prediction", len(rec.graphs))
			}
			use, err := opcheck.Of(rec.graphs...)
			if err != nil {
				t.Fatal(err)
			}
			ops, types := use.Missing(xla.Capabilities)
			if len(ops) > 0 || len(types) > 0 {
				t.Errorf("operations %v and data types %v are not in XLA's capabilities; the graphs use %s",
					ops, types, strings.Join(use.Names(), " "))
			}
			for op, n := range use.Ops {
				all[op] += n
			}
		})
	}
	t.Logf("operations used by the recorded graphs: %s", strings.Join(opcheck.Use{Ops: all}.Names(), " "))
}
