package train

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// loadMode says which variables of a checkpoint are loaded into a context.
type loadMode int

const (
	// loadResume loads everything (weights, optimizer state, RNG) into the variables
	// that exist, which must all be in the checkpoint with the same shapes; the rest
	// comes through a resumeLoader as graphs create it, and verifyResume checks that
	// both sides hold the same variables.
	loadResume loadMode = iota
	// loadWeights loads the model's variables (not optimizer state) and requires
	// every one of them to be in the checkpoint with the same shape.
	loadWeights
	// loadMatching loads the model variables whose name and shape match and leaves
	// the others as initialised (fine-tuning).
	loadMatching
)

// LoadReport lists what a load did, by variable name.
type LoadReport struct {
	Loaded  []string
	Skipped []string // with the reason, e.g. "/out/weights: shape [1 1 16 3] vs checkpoint [1 1 16 2]"
}

func isRNG(v *context.Variable) bool {
	return v.Scope() == context.RootScope && v.Name() == context.RNGStateVariableName
}

// loadInto copies checkpoint values into the existing variables of ctx.
func (c *Checkpoint) loadInto(ctx *context.Context, mode loadMode, path string) (LoadReport, error) {
	var rep LoadReport
	fit := &FitError{Path: path}
	infos := map[string]VarInfo{}
	for _, vi := range c.Vars {
		infos[vi.Name] = vi
	}
	for v := range ctx.IterVariables() {
		name := v.ScopeAndName()
		modelVar := !isOptimizerState(v.Scope()) && !isRNG(v)
		if mode != loadResume && !modelVar {
			continue
		}
		t, ok := c.values[name]
		if !ok {
			if mode == loadMatching {
				rep.Skipped = append(rep.Skipped, name+": not in checkpoint")
				continue
			}
			fit.Missing = append(fit.Missing, name)
			continue
		}
		if !t.Shape().Equal(v.Shape()) {
			msg := fmt.Sprintf("%s: shape %s, checkpoint has %s", name, v.Shape(), t.Shape())
			if mode == loadMatching {
				rep.Skipped = append(rep.Skipped, msg)
				continue
			}
			fit.Shapes = append(fit.Shapes, msg)
			continue
		}
		fit.Matching++
		clone, err := t.LocalClone()
		if err != nil {
			return rep, fmt.Errorf("train: loading %s from %s: %w", name, path, err)
		}
		if err := v.SetValue(clone); err != nil {
			return rep, fmt.Errorf("train: loading %s from %s: %w", name, path, err)
		}
		if mode == loadResume {
			v.SetTrainable(infos[name].Trainable)
		}
		rep.Loaded = append(rep.Loaded, name)
	}
	sort.Strings(rep.Loaded)
	sort.Strings(rep.Skipped)
	if len(fit.Missing)+len(fit.Shapes) > 0 {
		sort.Strings(fit.Missing)
		sort.Strings(fit.Shapes)
		fit.Extra = c.extraModelVars(ctx)
		return rep, fit
	}
	return rep, nil
}

// resumeLoader hands checkpoint values to variables as graphs create them (it is a
// GoMLX context.Loader).
type resumeLoader struct {
	c    *Checkpoint
	used map[string]bool
}

// LoadVariable implements context.Loader.
func (l *resumeLoader) LoadVariable(_ *context.Context, scope, name string) (*tensors.Tensor, bool) {
	key := context.JoinScope(scope, name)
	t, ok := l.c.values[key]
	if !ok {
		return nil, false
	}
	clone, err := t.LocalClone()
	if err != nil {
		return nil, false
	}
	l.used[key] = true
	return clone, true
}

// DeleteVariable implements context.Loader.
func (l *resumeLoader) DeleteVariable(_ *context.Context, scope, name string) error {
	delete(l.c.values, context.JoinScope(scope, name))
	return nil
}

// verifyResume checks that the context now holds exactly the checkpoint's variables.
func (c *Checkpoint) verifyResume(ctx *context.Context, path string) error {
	var problems []string
	inCtx := map[string]bool{}
	for v := range ctx.IterVariables() {
		inCtx[v.ScopeAndName()] = true
		if _, ok := c.values[v.ScopeAndName()]; !ok {
			problems = append(problems, v.ScopeAndName()+": in the model but not in the checkpoint")
		}
	}
	for _, vi := range c.Vars {
		if !inCtx[vi.Name] {
			problems = append(problems, vi.Name+": in the checkpoint but not in the model")
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("train: checkpoint %s does not fit the model:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return nil
}
