// Package gradcheck compares the gradients GoMLX computes (reverse-mode autodiff, on
// a given backend) with central finite differences, in float64.
//
// Check builds f(inputs) → scalar once, runs its autodiff gradient once, then
// perturbs input elements by ±Eps and re-runs f. An element passes when
// |analytic − numeric| ≤ Tol·max(1, |analytic|, |numeric|). Tests in ml/nn and ml/loss
// use it for every layer and loss im2im trains with; keep shapes tiny (each checked
// element costs two executions). CheckContext does the same for functions that own
// context variables (layers, whole networks), differentiating w.r.t. the inputs and,
// optionally, every trainable variable.
//
// Imports: GoMLX (graph, tensors, context, backends) only.
package gradcheck

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Input is one float64 input of the function checked.
type Input struct {
	Name   string    // for reports
	Dims   []int     // shape
	Values []float64 // row-major, len = product of Dims
}

// Options tune the check; zero values mean Eps 1e-6, Tol 1e-5, every element checked.
type Options struct {
	Eps float64 // finite-difference step
	Tol float64 // allowed error, relative to max(1, |analytic|, |numeric|)
	// MaxElements, if > 0, checks at most this many elements per input, chosen at
	// random (seeded by Seed), to bound the cost on larger inputs.
	MaxElements int
	Seed        uint64
	// Variables (CheckContext only) also checks the gradient w.r.t. every trainable
	// float64 context variable.
	Variables bool
}

// Mismatch describes the worst element of one input.
type Mismatch struct {
	Input             string
	Index             int // flat index
	Analytic, Numeric float64
	Error             float64 // scaled error, compared with Tol
	Checked, Elements int
}

// String renders the mismatch in one line.
func (m Mismatch) String() string {
	return fmt.Sprintf("%s[%d]: analytic %.8g vs numeric %.8g (error %.2g; %d of %d elements checked)",
		m.Input, m.Index, m.Analytic, m.Numeric, m.Error, m.Checked, m.Elements)
}

// Check compares f's gradient with respect to every input with central differences.
// It returns the worst element per input, and an error naming the first input whose
// worst element exceeds the tolerance (or what failed to build or run).
func Check(b backends.Backend, f func(x []*graph.Node) *graph.Node, inputs []Input, opt Options) ([]Mismatch, error) {
	value, err := graph.NewExec(b, func(x []*graph.Node) *graph.Node { return mustScalar(f(x)) })
	if err != nil {
		return nil, err
	}
	defer value.Finalize()
	grad, err := graph.NewExec(b, func(x []*graph.Node) []*graph.Node { return graph.Gradient(f(x), x...) })
	if err != nil {
		return nil, err
	}
	defer grad.Finalize()
	args, err := tensorsOf(inputs)
	if err != nil {
		return nil, err
	}
	grads, err := grad.Exec(args...)
	if err != nil {
		return nil, fmt.Errorf("gradcheck: gradient: %w", err)
	}
	return compare(grads, inputs, plainEval(value.Exec, args, inputs), opt)
}

// CheckContext is Check for functions that use context variables (layers, whole
// networks): the variables are created and initialized by the first evaluation and
// then held fixed between perturbations. The gradient is checked with respect to
// the inputs and, with opt.Variables, also every trainable variable (reported by
// scope and name). Use training graphs without dropout (randomness breaks the check).
func CheckContext(b backends.Backend, ctx *context.Context, f func(ctx *context.Context, x []*graph.Node) *graph.Node,
	inputs []Input, opt Options) ([]Mismatch, error) {
	value, err := context.NewExec(b, ctx, func(ctx *context.Context, x []*graph.Node) *graph.Node { return mustScalar(f(ctx, x)) })
	if err != nil {
		return nil, err
	}
	defer value.Finalize()
	args, err := tensorsOf(inputs)
	if err != nil {
		return nil, err
	}
	if _, err := value.Exec(args...); err != nil { // creates and initializes the variables
		return nil, fmt.Errorf("gradcheck: value: %w", err)
	}
	var vars []*context.Variable
	if opt.Variables {
		for v := range ctx.IterVariables() {
			if v.Trainable && v.DType() == dtypes.Float64 {
				vars = append(vars, v)
			}
		}
		slices.SortFunc(vars, func(a, b *context.Variable) int { return strings.Compare(a.ScopeAndName(), b.ScopeAndName()) })
	}
	grad, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, x []*graph.Node) []*graph.Node {
		loss := f(ctx, x)
		wrt := slices.Clone(x)
		for _, v := range vars {
			wrt = append(wrt, v.ValueGraph(loss.Graph()))
		}
		return graph.Gradient(loss, wrt...)
	})
	if err != nil {
		return nil, err
	}
	defer grad.Finalize()
	points := slices.Clone(inputs)
	for _, v := range vars {
		t, err := v.Value()
		if err != nil {
			return nil, err
		}
		points = append(points, Input{Name: v.ScopeAndName(), Dims: t.Shape().Dimensions, Values: tensors.MustCopyFlatData[float64](t)})
	}
	eval := func(i int, vals []float64) (float64, error) {
		a := slices.Clone(args)
		if i < len(inputs) {
			a[i] = tensors.FromFlatDataAndDimensions(vals, inputs[i].Dims...)
		} else {
			v := vars[i-len(inputs)]
			if err := v.SetValue(tensors.FromFlatDataAndDimensions(slices.Clone(vals), points[i].Dims...)); err != nil {
				return 0, err
			}
			defer func() {
				_ = v.SetValue(tensors.FromFlatDataAndDimensions(slices.Clone(points[i].Values), points[i].Dims...))
			}()
		}
		out, err := value.Exec(a...)
		if err != nil {
			return 0, err
		}
		return out[0].Value().(float64), nil
	}
	grads, err := grad.Exec(args...)
	if err != nil {
		return nil, fmt.Errorf("gradcheck: gradient: %w", err)
	}
	return compare(grads, points, eval, opt)
}

func mustScalar(y *graph.Node) *graph.Node {
	if !y.Shape().IsScalar() {
		panic(fmt.Errorf("gradcheck: function must return a scalar, got %s", y.Shape()))
	}
	return y
}

func tensorsOf(inputs []Input) ([]any, error) {
	args := make([]any, len(inputs))
	for i, in := range inputs {
		n := 1
		for _, d := range in.Dims {
			n *= d
		}
		if n != len(in.Values) {
			return nil, fmt.Errorf("gradcheck: input %q has %d values for dims %v", in.Name, len(in.Values), in.Dims)
		}
		args[i] = tensors.FromFlatDataAndDimensions(append([]float64(nil), in.Values...), in.Dims...)
	}
	return args, nil
}

type execFn func(args ...any) ([]*tensors.Tensor, error)

// plainEval returns an evaluator that replaces input i of args.
func plainEval(value execFn, args []any, inputs []Input) func(i int, vals []float64) (float64, error) {
	return func(i int, vals []float64) (float64, error) {
		a := slices.Clone(args)
		a[i] = tensors.FromFlatDataAndDimensions(vals, inputs[i].Dims...)
		out, err := value(a...)
		if err != nil {
			return 0, err
		}
		return out[0].Value().(float64), nil
	}
}

// compare checks analytic gradients (one tensor per point) against central
// differences computed with eval(i, perturbed values of point i).
func compare(grads []*tensors.Tensor, points []Input, eval func(i int, vals []float64) (float64, error), opt Options) ([]Mismatch, error) {
	if opt.Eps == 0 {
		opt.Eps = 1e-6
	}
	if opt.Tol == 0 {
		opt.Tol = 1e-5
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	var worst []Mismatch
	var firstErr error
	for i, in := range points {
		g := tensors.MustCopyFlatData[float64](grads[i])
		idx := make([]int, len(in.Values))
		for j := range idx {
			idx[j] = j
		}
		if opt.MaxElements > 0 && opt.MaxElements < len(idx) {
			rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
			idx = idx[:opt.MaxElements]
		}
		m := Mismatch{Input: in.Name, Index: -1, Checked: len(idx), Elements: len(in.Values)}
		vals := append([]float64(nil), in.Values...)
		for _, j := range idx {
			orig := vals[j]
			vals[j] = orig + opt.Eps
			plus, err := eval(i, vals)
			if err != nil {
				return nil, err
			}
			vals[j] = orig - opt.Eps
			minus, err := eval(i, vals)
			if err != nil {
				return nil, err
			}
			vals[j] = orig
			num := (plus - minus) / (2 * opt.Eps)
			e := math.Abs(g[j]-num) / math.Max(1, math.Max(math.Abs(g[j]), math.Abs(num)))
			if math.IsNaN(e) {
				e = math.Inf(1)
			}
			if m.Index < 0 || e > m.Error {
				m.Index, m.Analytic, m.Numeric, m.Error = j, g[j], num, e
			}
		}
		worst = append(worst, m)
		if m.Error > opt.Tol && firstErr == nil {
			firstErr = fmt.Errorf("gradcheck: gradient mismatch at %s (tolerance %g)", m, opt.Tol)
		}
	}
	return worst, firstErr
}

// Random returns an input of the given dims with values uniform in [-1, 1), from a
// generator seeded by seed (deterministic).
func Random(name string, seed uint64, dims ...int) Input {
	n := 1
	for _, d := range dims {
		n *= d
	}
	r := rand.New(rand.NewPCG(seed, 1))
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*r.Float64() - 1
	}
	return Input{Name: name, Dims: dims, Values: v}
}
