package bench

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/im2im/im2im/ml/backend/fast"
	"github.com/im2im/im2im/ml/loss"
)

// discImages renders Discs crops as images: each object a random brightness in
// 0.4..1 plus noise (σ 0.05), so touching objects differ.
func discImages(r *rand.Rand, ids []float32, objects int) []float32 {
	level := make([]float32, objects+1)
	for k := 1; k <= objects; k++ {
		level[k] = 0.4 + 0.6*r.Float32()
	}
	img := make([]float32, len(ids))
	for i, id := range ids {
		img[i] = level[int(id)] + 0.05*float32(r.NormFloat64())
	}
	return img
}

// TestEmbedSegLearns trains nets.BranchedERFNet 2D with loss.SpatialEmbedding on two
// 32×32 crops of touching discs (4 per crop) for 80 Adam steps and checks that the
// loss falls below half of the untrained net's.
func TestEmbedSegLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	be, err := backends.NewWithConfig(fast.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer be.Finalize()
	const batch, side, objects, steps = 2, 32, 4, 80
	r := rand.New(rand.NewPCG(3, 4))
	ids, centres := Discs(r, batch, []int{side, side}, objects)
	dims := []int{batch, 1, side, side}
	x := tensors.FromFlatDataAndDimensions(discImages(r, ids, objects), dims...)
	inst := tensors.FromFlatDataAndDimensions(ids, dims...)
	cen := tensors.FromFlatDataAndDimensions(centres, dims...)
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(7); err != nil {
		t.Fatal(err)
	}
	ctx.SetParam(optimizers.ParamLearningRate, 1e-3)
	model, lossFn := EmbedSegStep(2, loss.SpatialEmbeddingConfig{MaxInstances: objects})
	trainer := train.NewTrainer(be, ctx, model, lossFn, optimizers.Adam().Done(), nil, nil)
	var losses []float32
	for i := range steps {
		m, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{inst, cen})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		losses = append(losses, m[0].Value().(float32))
	}
	mean := func(v []float32) float32 {
		s := float32(0)
		for _, x := range v {
			s += x
		}
		return s / float32(len(v))
	}
	first, last := losses[0], mean(losses[steps-3:])
	t.Logf("loss %.3f → %.3f over %d steps (%v)", first, last, steps, losses)
	if !(last < first/2) {
		t.Fatalf("did not learn: loss %.3f → %.3f", first, last)
	}
}
