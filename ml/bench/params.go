package bench

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/im2im/im2im/ml/train"
)

// ParamCounts returns the number of trainable parameters below each absolute
// scope ("/generator" counts under "generator"), optimizer state excluded.
func ParamCounts(t *train.Trainer, scopes ...string) map[string]int64 {
	out := map[string]int64{}
	for v := range t.Context().IterVariables() {
		if !v.Trainable || strings.HasPrefix(v.Scope(), train.OptimizerScope) {
			continue
		}
		for _, s := range scopes {
			if v.Scope() == s || strings.HasPrefix(v.Scope(), s+"/") {
				out[strings.TrimPrefix(s, "/")] += int64(v.Shape().Size())
			}
		}
	}
	return out
}

// FormatParams formats parameter counts as "params_<net>=N" fields in name order
// (the form of the PyTorch scripts' RESULT line).
func FormatParams(p map[string]int64) string {
	var f []string
	for _, k := range sortedNames(p) {
		f = append(f, fmt.Sprintf("params_%s=%d", k, p[k]))
	}
	return strings.Join(f, " ")
}

// CompareParams returns "" when ours and theirs count the same parameters for
// the same nets, else what differs.
func CompareParams(ours, theirs map[string]int64) string {
	var diff []string
	names := sortedNames(ours)
	for _, k := range sortedNames(theirs) {
		if _, ok := ours[k]; !ok {
			names = append(names, k)
		}
	}
	for _, k := range names {
		a, okA := ours[k]
		b, okB := theirs[k]
		switch {
		case !okA:
			diff = append(diff, fmt.Sprintf("%s: ours none, torch %d", k, b))
		case !okB:
			diff = append(diff, fmt.Sprintf("%s: ours %d, torch none", k, a))
		case a != b:
			diff = append(diff, fmt.Sprintf("%s: ours %d, torch %d", k, a, b))
		}
	}
	return strings.Join(diff, "; ")
}

func sortedNames(p map[string]int64) []string {
	var k []string
	for n := range p {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

// NetParams returns the trainable parameter count of net, built once on a
// zero input of dims ([N, C, spatial...]) on the named backend.
func NetParams(backend string, net interface {
	Build(*context.Context, *graph.Node) *graph.Node
}, dims []int) (int64, error) {
	be, err := backends.NewWithConfig(backend)
	if err != nil {
		return 0, fmt.Errorf("backend %q: %w", backend, err)
	}
	defer be.Finalize()
	ctx := context.New()
	exec, err := context.NewExec(be, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node { return net.Build(ctx, x) })
	if err != nil {
		return 0, err
	}
	n := 1
	for _, d := range dims {
		n *= d
	}
	if _, err := exec.Exec(tensors.FromFlatDataAndDimensions(make([]float32, n), dims...)); err != nil {
		return 0, fmt.Errorf("building the net: %w", err)
	}
	var count int64
	for v := range ctx.IterVariables() {
		if v.Trainable {
			count += int64(v.Shape().Size())
		}
	}
	return count, nil
}
