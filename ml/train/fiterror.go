package train

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/pkg/ml/context"
)

// FitError says how a checkpoint's weights do not fit a model: what LoadWeights
// returns when a model variable is missing from the checkpoint or has another
// shape there.
type FitError struct {
	// Path is the checkpoint file.
	Path string
	// Missing lists the model variables the checkpoint lacks; Extra the
	// checkpoint's model variables (no optimizer state) the model lacks.
	Missing, Extra []string
	// Shapes lists the variables of both with other shapes ("name: shape S,
	// checkpoint has S2").
	Shapes []string
	// Matching counts the model variables found with their shape.
	Matching int
}

// Error lists every missing variable and shape difference, one per line.
func (e *FitError) Error() string {
	lines := make([]string, 0, len(e.Missing)+len(e.Shapes))
	for _, m := range e.Missing {
		lines = append(lines, m+": missing from the checkpoint")
	}
	lines = append(lines, e.Shapes...)
	sort.Strings(lines)
	return fmt.Sprintf("train: checkpoint %s does not fit the model:\n  %s", e.Path, strings.Join(lines, "\n  "))
}

// OtherNet reports whether the checkpoint was saved from another net, rather
// than from the same net with other input or output channels: variables are
// missing on either side, or more variables differ in shape than the first
// layer's weights and the head's weights and bias.
func (e *FitError) OtherNet() bool {
	return len(e.Missing) > 0 || len(e.Extra) > 0 || len(e.Shapes) > 3
}

// Summary says in one line how the checkpoint differs from the model, with an
// example or two.
func (e *FitError) Summary() string {
	var parts []string
	if n := len(e.Missing); n > 0 {
		parts = append(parts, fmt.Sprintf("%d model variables are not in it (e.g. %s)", n, e.Missing[0]))
	}
	if n := len(e.Extra); n > 0 {
		parts = append(parts, fmt.Sprintf("it has %d variables the model lacks (e.g. %s)", n, e.Extra[0]))
	}
	if n := len(e.Shapes); n > 0 {
		parts = append(parts, fmt.Sprintf("%d have other shapes (e.g. %s)", n, e.Shapes[0]))
	}
	return fmt.Sprintf("%d of the model's variables match; ", e.Matching) + strings.Join(parts, "; ")
}

// extraModelVars lists the checkpoint's model variables (not optimizer state
// or the RNG state) that ctx lacks, sorted.
func (c *Checkpoint) extraModelVars(ctx *context.Context) []string {
	inCtx := map[string]bool{}
	for v := range ctx.IterVariables() {
		inCtx[v.ScopeAndName()] = true
	}
	var out []string
	for _, vi := range c.Vars {
		scope, name := context.SplitScope(vi.Name)
		rng := scope == context.RootScope && name == context.RNGStateVariableName
		if !inCtx[vi.Name] && !isOptimizerState(scope) && !rng {
			out = append(out, vi.Name)
		}
	}
	sort.Strings(out)
	return out
}
