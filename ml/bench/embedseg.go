package bench

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/im2im/im2im/ml/backend/kernels"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
)

// EmbedSegObjects is the number of discs per crop of the embedseg benchmark (ids
// 1..EmbedSegObjects), also its loss's MaxInstances.
const EmbedSegObjects = 15

// embedSegScope is the scope of the benchmarked net's variables.
const embedSegScope = "erfnet"

// EmbedSegStep returns the benchmark's model and loss functions for GoMLX's
// trainer: nets.BranchedERFNet{Dims: dims} under scope "erfnet", and
// loss.SpatialEmbedding (default grid step 1/1023, foreground weight 10) with
// labels [instances, centres].
func EmbedSegStep(dims int, cfg loss.SpatialEmbeddingConfig) (model func(*context.Context, any, []*graph.Node) []*graph.Node,
	lossFn func(labels, predictions []*graph.Node) *graph.Node) {
	net := nets.BranchedERFNet{Dims: dims, InChannels: 1}
	cfg.Dims = dims
	model = func(ctx *context.Context, _ any, in []*graph.Node) []*graph.Node {
		return []*graph.Node{net.Build(ctx.In(embedSegScope), in[0])}
	}
	lossFn = func(labels, predictions []*graph.Node) *graph.Node {
		return loss.SpatialEmbedding(cfg, predictions[0], labels[0], labels[1])
	}
	return model, lossFn
}

// OursEmbedSeg trains EmbedSegStep (Adam 5e-4, MaxInstances EmbedSegObjects) on
// one fixed batch of the resolved options o and spatial size (random normal
// input, Discs with EmbedSegObjects objects), writes each step's time and loss to
// w, and returns the timed steps' summary with the process CPU seconds per step
// and the net's parameter count.
func OursEmbedSeg(w io.Writer, o Options, size []int) (Result, error) {
	prev := runtime.GOMAXPROCS(o.Threads)
	defer runtime.GOMAXPROCS(prev)
	be, err := backends.NewWithConfig(o.Backend)
	if err != nil {
		return Result{}, fmt.Errorf("--backend %q: %w", o.Backend, err)
	}
	defer be.Finalize()
	fmt.Fprintf(w, "ours: backend %s (%s), GEMM micro-kernel %s, GOMAXPROCS %d\n", be.String(), be.Name(), kernels.ActivePath(), o.Threads)
	dims := append([]int{o.Batch, 1}, size...)
	r := rand.New(rand.NewPCG(0, 1))
	x := normalTensor(r, dims)
	ids, centres := Discs(r, o.Batch, size, EmbedSegObjects)
	inst := tensors.FromFlatDataAndDimensions(ids, dims...)
	cen := tensors.FromFlatDataAndDimensions(centres, dims...)
	ctx := context.New()
	ctx.SetParam(optimizers.ParamLearningRate, 5e-4)
	model, lossFn := EmbedSegStep(o.Dims, loss.SpatialEmbeddingConfig{MaxInstances: EmbedSegObjects})
	trainer := train.NewTrainer(be, ctx, model, lossFn, optimizers.Adam().Done(), nil, nil)
	res, err := timeSteps(w, o, func() (any, error) {
		m, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{inst, cen})
		if err != nil {
			return nil, err
		}
		return m[0].Value(), nil
	})
	if err != nil {
		return Result{}, err
	}
	res.Params = map[string]int64{embedSegScope: trainableUnder(ctx, "/"+embedSegScope)}
	return res, nil
}

// trainableUnder counts the trainable parameters below scope.
func trainableUnder(ctx *context.Context, scope string) int64 {
	var n int64
	for v := range ctx.IterVariables() {
		if v.Trainable && (v.Scope() == scope || strings.HasPrefix(v.Scope(), scope+"/")) {
			n += int64(v.Shape().Size())
		}
	}
	return n
}
