package loss

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// GAN criteria: how a discriminator's raw logits are scored against "real" (1)
// or "fake" (0).
const (
	// GANVanilla is the original GAN's binary cross-entropy on logits
	// (PyTorch's BCEWithLogitsLoss, mmv_im2im's configs).
	GANVanilla = "vanilla"
	// GANLSGAN is the least-squares GAN: mean (logit − target)² (Mao et al.;
	// CycleGAN's).
	GANLSGAN = "lsgan"
)

// GANCriteria lists the accepted GAN criteria, for validation messages.
var GANCriteria = []string{GANVanilla, GANLSGAN}

// GAN returns the mean GAN loss of discriminator logits against an all-real
// (real true) or all-fake target, averaged over every logit of the batch.
func GAN(criterion string, logits *graph.Node, real bool) *graph.Node {
	t := 0.0
	if real {
		t = 1
	}
	switch criterion {
	case "", GANVanilla:
		// BCE with logits, stable form: max(x, 0) − x·t + log(1 + e^−|x|).
		pos := graph.Max(logits, graph.ZerosLike(logits))
		l := graph.Add(graph.Sub(pos, graph.MulScalar(logits, t)), graph.Log1p(graph.Exp(graph.Neg(graph.Abs(logits)))))
		return graph.ReduceAllMean(l)
	case GANLSGAN:
		return graph.ReduceAllMean(graph.Square(graph.AddScalar(logits, -t)))
	}
	panic(fmt.Errorf("loss: unknown GAN criterion %q (want one of %v)", criterion, GANCriteria))
}

// FeatureMatching is the pix2pixHD feature-matching loss: the mean absolute
// difference between a discriminator's intermediate features of the fake and of
// the real image (the real side detached), averaged over layers. The last entry
// of each list (the logits) is left out, as in pix2pixHD.
func FeatureMatching(fake, real []*graph.Node) *graph.Node {
	if len(fake) != len(real) || len(fake) < 2 {
		panic(fmt.Errorf("loss: feature matching needs the same ≥ 2 layers on both sides, got %d and %d", len(fake), len(real)))
	}
	var sum *graph.Node
	for j := 0; j < len(fake)-1; j++ {
		l := graph.ReduceAllMean(graph.Abs(graph.Sub(fake[j], graph.StopGradient(real[j]))))
		if sum == nil {
			sum = l
		} else {
			sum = graph.Add(sum, l)
		}
	}
	return graph.DivScalar(sum, float64(len(fake)-1))
}
