package train

import (
	"sort"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// OptimizerScope is the context scope holding optimizer state (moments, momentum);
// it mirrors the model's scopes below it.
const OptimizerScope = "/_optimizer"

// trainableVars returns the float variables the graph uses, excluding optimizer
// state, under one of scopes (all when empty), in a fixed order (by scope and name).
func trainableVars(ctx *context.Context, g *graph.Graph, frozen map[string]bool, scopes []string) []*context.Variable {
	var vars []*context.Variable
	for v := range ctx.IterVariables() {
		if !v.Trainable || frozen[v.ScopeAndName()] || !v.DType().IsFloat() || !v.InUseByGraph(g) || isOptimizerState(v.Scope()) ||
			!inScopes(v.Scope(), scopes) {
			continue
		}
		vars = append(vars, v)
	}
	sort.Slice(vars, func(i, j int) bool { return vars[i].ScopeAndName() < vars[j].ScopeAndName() })
	return vars
}

func isOptimizerState(scope string) bool {
	return scope == OptimizerScope || strings.HasPrefix(scope, OptimizerScope+"/")
}

// stateVar returns (creating zero-filled) the optimizer state variable kind for v.
func stateVar(ctx *context.Context, v *context.Variable, kind string) *context.Variable {
	scope := OptimizerScope + v.Scope()
	if v.Scope() == context.RootScope {
		scope = OptimizerScope
	}
	zeros := func(g *graph.Graph, shape shapes.Shape) *graph.Node { return graph.Zeros(g, shape) }
	sv := ctx.InAbsPath(scope).Checked(false).WithInitializer(zeros).VariableWithShape(kind+"_"+v.Name(), v.Shape())
	sv.SetTrainable(false)
	return sv
}

// applyUpdates builds the optimizer update for vars given their gradients: lr and
// step (1-based) are scalar graph inputs of the gradients' dtype; ok (a scalar
// bool) guards every write, so a step with a non-finite loss changes nothing.
func applyUpdates(ctx *context.Context, o Optimizer, vars []*context.Variable, grads []*graph.Node, lr, step, ok *graph.Node) {
	for i, v := range vars {
		g := grads[i]
		w := v.ValueGraph(lr.Graph())
		dt := w.DType()
		lrV := graph.ConvertDType(lr, dt)
		g = graph.ConvertDType(g, dt)
		var newW *graph.Node
		switch o.Kind {
		case "sgd":
			if o.WeightDecay > 0 {
				g = graph.Add(g, graph.MulScalar(w, o.WeightDecay))
			}
			upd := g
			if o.Momentum > 0 {
				bv := stateVar(ctx, v, "momentum")
				buf := graph.Add(graph.MulScalar(bv.ValueGraph(w.Graph()), o.Momentum), g)
				bv.SetValueGraph(graph.Where(ok, buf, bv.ValueGraph(w.Graph())))
				upd = buf
				if o.Nesterov {
					upd = graph.Add(g, graph.MulScalar(buf, o.Momentum))
				}
			}
			newW = graph.Sub(w, graph.Mul(lrV, upd))
		default: // adam, adamw
			if o.Kind == "adam" && o.WeightDecay > 0 {
				g = graph.Add(g, graph.MulScalar(w, o.WeightDecay))
			}
			mv, vv := stateVar(ctx, v, "m"), stateVar(ctx, v, "v")
			m := graph.Add(graph.MulScalar(mv.ValueGraph(w.Graph()), o.Beta1), graph.MulScalar(g, 1-o.Beta1))
			s := graph.Add(graph.MulScalar(vv.ValueGraph(w.Graph()), o.Beta2), graph.MulScalar(graph.Square(g), 1-o.Beta2))
			mv.SetValueGraph(graph.Where(ok, m, mv.ValueGraph(w.Graph())))
			vv.SetValueGraph(graph.Where(ok, s, vv.ValueGraph(w.Graph())))
			t := graph.ConvertDType(step, dt)
			bc1 := graph.OneMinus(graph.Pow(graph.Scalar(w.Graph(), dt, o.Beta1), t))
			bc2 := graph.OneMinus(graph.Pow(graph.Scalar(w.Graph(), dt, o.Beta2), t))
			mHat := graph.Div(m, bc1)
			sHat := graph.Div(s, bc2)
			upd := graph.Div(mHat, graph.AddScalar(graph.Sqrt(sHat), o.Eps))
			if o.Kind == "adamw" && o.WeightDecay > 0 {
				upd = graph.Add(upd, graph.MulScalar(w, o.WeightDecay))
			}
			newW = graph.Sub(w, graph.Mul(lrV, upd))
		}
		v.SetValueGraph(graph.Where(ok, newW, w))
	}
}

// globalNorm returns the L2 norm of all gradients together, in float32.
func globalNorm(grads []*graph.Node) *graph.Node {
	var sum *graph.Node
	for _, g := range grads {
		s := graph.ReduceAllSum(graph.Square(graph.ConvertDType(g, grads[0].DType())))
		if sum == nil {
			sum = s
		} else {
			sum = graph.Add(sum, s)
		}
	}
	return graph.Sqrt(sum)
}
