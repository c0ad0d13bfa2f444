package train

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// loadScoped loads a checkpoint's model weights into the variables below scope
// (Config.InitInto), strictly: each variable there is looked up by its own name
// (a checkpoint of the same kind of model, e.g. a pix2pix run's /generator/...)
// and else by its name without the scope (a checkpoint of the net alone, e.g.
// an FCN run's /enc0/...); every one must be found with its shape. A
// checkpoint whose matched values are all zero is refused: it holds no
// training.
func (c *Checkpoint) loadScoped(ctx *context.Context, scope, path string) (LoadReport, error) {
	var rep LoadReport
	var problems []string
	nonZero := false
	for v := range ctx.IterVariables() {
		name := v.ScopeAndName()
		if !strings.HasPrefix(name, scope+"/") || isOptimizerState(v.Scope()) || isRNG(v) {
			continue
		}
		t, ok := c.values[name]
		if !ok {
			t, ok = c.values[strings.TrimPrefix(name, scope)]
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: not in the checkpoint (as %s or %s)", name, name, strings.TrimPrefix(name, scope)))
			continue
		}
		if !t.Shape().Equal(v.Shape()) {
			problems = append(problems, fmt.Sprintf("%s: shape %s, checkpoint has %s", name, v.Shape(), t.Shape()))
			continue
		}
		clone, err := t.LocalClone()
		if err != nil {
			return rep, fmt.Errorf("train: loading %s from %s: %w", name, path, err)
		}
		nonZero = nonZero || hasNonZero(clone)
		if err := v.SetValue(clone); err != nil {
			return rep, fmt.Errorf("train: loading %s from %s: %w", name, path, err)
		}
		rep.Loaded = append(rep.Loaded, name)
	}
	sort.Strings(rep.Loaded)
	if len(problems) > 0 {
		sort.Strings(problems)
		return rep, fmt.Errorf("train: init_from %s does not fit %s:\n  %s", path, scope, strings.Join(problems, "\n  "))
	}
	if len(rep.Loaded) == 0 {
		return rep, fmt.Errorf("train: init_from %s: the model has no variables below %s", path, scope)
	}
	if !nonZero {
		return rep, fmt.Errorf("train: init_from %s: every weight loaded into %s is zero (an untrained or empty checkpoint)", path, scope)
	}
	return rep, nil
}

// hasNonZero reports whether a float tensor holds a value other than zero.
func hasNonZero(t *tensors.Tensor) bool {
	found := false
	t.ConstFlatData(func(flat any) {
		switch v := flat.(type) {
		case []float32:
			for _, x := range v {
				if x != 0 {
					found = true
					return
				}
			}
		case []float64:
			for _, x := range v {
				if x != 0 {
					found = true
					return
				}
			}
		}
	})
	return found
}
