package framework

import (
	"strings"

	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/nn"
	"github.com/im2im/im2im/ml/train"
)

// ganParts are the settings Pix2Pix and CycleGAN share: their nets, weight
// initialisation, loop (whose optimizer drives the generators), the
// discriminators' optimizer and schedule, and prediction.
type ganParts struct {
	generator     Net
	discriminator nets.PatchGAN
	init          string
	metrics       []train.Metric
	trainer       train.Config
	dOptimizer    train.Optimizer
	dSchedule     train.Schedule
	predict       Predict
}

// problems checks the shared settings, each at its config path (the
// discriminators' optimizer and schedule below "discriminator.").
func (g ganParts) problems() Problems {
	var errs Problems
	if g.generator == nil {
		errs.Add("model.generator", "missing")
	} else if v, ok := g.generator.(validator); ok {
		if err := v.Validate(); err != nil {
			errs = append(errs, placeNetProblems(err, "model.generator")...)
		}
	}
	if err := g.discriminator.Validate(); err != nil {
		errs = append(errs, placeNetProblems(err, "model.discriminator")...)
	}
	switch g.init {
	case "", nn.InitNormal, nn.InitKaiming:
	default:
		errs.Add("model.init", "want %s or %s, got %q", nn.InitNormal, nn.InitKaiming, g.init)
	}
	var names []string
	for _, m := range g.metrics {
		names = append(names, m.Name)
	}
	errs = append(errs, g.trainer.Problems(names)...)
	d := train.Config{Optimizer: g.dOptimizer, Schedule: g.dSchedule}
	for _, pr := range d.Problems(nil) {
		if strings.HasPrefix(pr.Path, "trainer.optimizer") || strings.HasPrefix(pr.Path, "trainer.schedule") {
			errs = append(errs, Problem{Path: "discriminator." + pr.Path[len("trainer."):], Message: pr.Message})
		}
	}
	return append(errs, FCN{Net: g.generator, Predict: g.predict}.predictProblems()...)
}

// ganScope returns ctx in scope (absolute) with the convolutions'
// initialisation init ("": nn.InitNormal, the GAN papers').
func ganScope(ctx *context.Context, scope, init string) *context.Context {
	c := ctx.InAbsPath(scope)
	if init == "" {
		init = nn.InitNormal
	}
	c.SetParam(nn.InitParam, init)
	return c
}
