package train

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// initCheckpoint returns what Config.InitFrom initialises the model from:
// Config.InitWeights as an in-memory checkpoint, else the checkpoint file.
func (t *Trainer) initCheckpoint() (*Checkpoint, error) {
	if t.cfg.InitWeights == nil {
		return ReadCheckpoint(t.cfg.InitFrom)
	}
	c := &Checkpoint{values: map[string]*tensors.Tensor{}}
	for name, v := range t.cfg.InitWeights {
		c.values[name] = v
		c.Vars = append(c.Vars, VarInfo{Name: name, DType: v.DType().String(), Shape: v.Shape().Dimensions, Trainable: true})
	}
	sort.Slice(c.Vars, func(i, j int) bool { return c.Vars[i].Name < c.Vars[j].Name })
	return c, nil
}

// checkInitWeights reports Config.InitWeights that a load did not use: every
// one must initialise a model variable (a name the model lacks or a shape
// that differs is an error naming it).
func (t *Trainer) checkInitWeights(rep LoadReport) error {
	if t.cfg.InitWeights == nil {
		return nil
	}
	var unused []string
	for name, v := range t.cfg.InitWeights {
		if slices.Contains(rep.Loaded, name) || slices.Contains(rep.Loaded, t.cfg.InitInto+name) {
			continue
		}
		why := fmt.Sprintf("%s %v: the model has no such variable", name, v.Shape().Dimensions)
		for _, s := range rep.Skipped {
			if strings.HasPrefix(s, name+": ") {
				why = s
			}
		}
		unused = append(unused, why)
	}
	if len(unused) == 0 {
		return nil
	}
	sort.Strings(unused)
	return fmt.Errorf("train: init_from %s does not fit the model:\n  %s", t.cfg.InitFrom, strings.Join(unused, "\n  "))
}
