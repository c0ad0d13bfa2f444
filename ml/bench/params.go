package bench

import (
	"fmt"
	"slices"
	"strings"

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
