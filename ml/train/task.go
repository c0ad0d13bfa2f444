package train

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Inputs are one batch's graph inputs: the input X and target Y ([N, C,
// spatial...]) and the cost map W ([N, 1, spatial...]; nil when the batch has none).
type Inputs struct {
	X, Y, W *graph.Node
}

// Objective is one optimizer's part of a training step: a loss and the variables
// it updates. A supervised model has one; a GAN has one for its generator and one
// for its discriminator (CycleGAN: both generators, both discriminators).
type Objective struct {
	// Name labels the objective's loss in Progress.Losses ("g", "d", ...). With a
	// single objective it may be empty.
	Name string
	// Scopes are the absolute context scopes ("/generator") whose trainable
	// variables this objective updates; empty means every trainable variable its
	// loss uses.
	Scopes []string
	// Optimizer and Schedule, when Optimizer is not nil, replace Config.Optimizer
	// and Config.Schedule for this objective (defaults applied as for Config).
	Optimizer *Optimizer
	Schedule  *Schedule
	// Loss builds the objective's loss for a batch in a training graph (a
	// non-scalar result is averaged). It runs after the objectives before it have
	// updated their variables in the same step, so a discriminator objective
	// placed first trains on the generator's current output and the generator
	// objective after it sees the updated discriminator.
	Loss func(ctx *context.Context, in Inputs) *graph.Node
}

// Task is what a framework hands the trainer: how to train (one objective per
// optimizer, applied in order every step), how to predict and how to validate.
// The trainer owns everything around it: the loop, schedules, checkpoints of
// every variable (all nets and all optimizer states), resume, early stopping,
// progress and cancellation.
type Task struct {
	// Objectives of a training step, in update order (at least one).
	Objectives []Objective
	// Predict builds the network's prediction for x in evaluation mode; it also
	// creates the variables before the first step and when weights are loaded.
	Predict ModelFn
	// ValLoss is the validation "loss" of a prediction (w is nil without a cost map).
	ValLoss WeightedLossFn
	// ValLossOf, when set, replaces ValLoss by a validation loss that needs more
	// than the prediction: the batch and the graph's context (CycleGAN's cycle
	// consistency, which runs both generators). pred is Predict's output.
	ValLossOf func(ctx *context.Context, in Inputs, pred *graph.Node) *graph.Node
	// Infer, when set, builds the whole-image prediction (Trainer.Predict)
	// instead of Predict, which then only serves validation: CycleGAN validates
	// A→B against the target but may predict B→A.
	Infer ModelFn
	// Metrics are computed on Predict's output against the target on validation
	// data.
	Metrics []Metric
	// Weighted says whether the task accepts batches with a cost map.
	Weighted bool
}

// Supervised is the task of a model trained on (input, target) pairs with one
// loss: FCN's. wloss, when not nil, replaces loss for batches with a cost map.
func Supervised(model ModelFn, loss LossFn, wloss WeightedLossFn, metrics []Metric) Task {
	lossOf := func(pred, y, w *graph.Node) *graph.Node {
		if w != nil {
			return scalarLoss(wloss(pred, y, w))
		}
		return scalarLoss(loss(pred, y))
	}
	return Task{
		Objectives: []Objective{{Loss: func(ctx *context.Context, in Inputs) *graph.Node {
			return lossOf(model(ctx, in.X), in.Y, in.W)
		}}},
		Predict:  model,
		ValLoss:  lossOf,
		Metrics:  metrics,
		Weighted: wloss != nil,
	}
}

// check reports what makes a task unusable.
func (t Task) check() error {
	if len(t.Objectives) == 0 || t.Predict == nil || (t.ValLoss == nil && t.ValLossOf == nil) {
		return fmt.Errorf("train: a task needs at least one objective, a prediction and a validation loss")
	}
	names := map[string]bool{}
	for i, o := range t.Objectives {
		if o.Loss == nil {
			return fmt.Errorf("train: objective %d (%q) has no loss", i, o.Name)
		}
		if len(t.Objectives) > 1 && (o.Name == "" || names[o.Name]) {
			return fmt.Errorf("train: objective %d: several objectives need distinct names, got %q", i, o.Name)
		}
		names[o.Name] = true
	}
	return nil
}

// objectiveConfig returns the configuration whose optimizer and schedule drive
// objective o (defaults applied).
func (c Config) objectiveConfig(o Objective) Config {
	if o.Optimizer == nil {
		return c
	}
	c.Optimizer = *o.Optimizer
	c.Schedule = Schedule{}
	if o.Schedule != nil {
		c.Schedule = *o.Schedule
	}
	return c.withDefaults()
}

// inScopes reports whether scope is one of scopes or below one of them.
func inScopes(scope string, scopes []string) bool {
	if len(scopes) == 0 {
		return true
	}
	for _, s := range scopes {
		if scope == s || strings.HasPrefix(scope, s+"/") {
			return true
		}
	}
	return false
}
