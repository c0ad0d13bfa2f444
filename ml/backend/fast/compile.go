package fast

import (
	"fmt"

	"github.com/im2im/im2im/ml/backend/kernels"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// step is one unit of execution: a segment of inner ops compiled into one inner
// executable, or one native node.
type step struct {
	native *node               // nil for a segment
	exe    backends.Executable // segment: the inner executable
	ins    []int               // value ids read
	outs   []int               // value ids written
	donate []bool              // segment: inputs the inner executable may consume
	free   []int               // value ids whose buffers are finalized after this step
	nodes  []*node             // segment: its nodes (for tracing)
	fused  *fusedStep          // fused element-wise group
}

// Compile implements backends.Builder: it splits the recorded graph into native steps and
// segments of inner ops, and compiles each segment on the inner backend.
func (b *Builder) Compile(outputs []backends.Op, shardings []*backends.ShardingSpec) (backends.Executable, error) {
	if b.compiled {
		return nil, fmt.Errorf("%s: builder %q was already compiled", Name, b.name)
	}
	if len(shardings) > 0 {
		return nil, fmt.Errorf("%s: sharding is not supported", Name)
	}
	outs, err := b.toValues("Compile", outputs)
	if err != nil {
		return nil, err
	}
	b.compiled = true
	// Reachability, walking the recording order (a topological order) backwards.
	live := make([]bool, len(b.values))
	for _, v := range outs {
		live[v.id] = true
	}
	nodeLive := map[*node]bool{}
	for i := len(b.nodes) - 1; i >= 0; i-- {
		n := b.nodes[i]
		for _, o := range n.outputs {
			if live[o.id] {
				nodeLive[n] = true
			}
		}
		if nodeLive[n] {
			for _, in := range n.inputs {
				live[in.id] = true
			}
		}
	}
	fuseMulReduce(b.nodes, nodeLive, outs)
	// Group consecutive inner nodes into segments.
	var groups [][]*node
	var cur []*node
	flush := func() {
		if len(cur) > 0 {
			groups = append(groups, cur)
			cur = nil
		}
	}
	for _, n := range b.nodes {
		if !nodeLive[n] || n.kind == kindParameter {
			continue
		}
		if n.kind == kindInner {
			cur = append(cur, n)
			continue
		}
		flush()
		groups = append(groups, []*node{n})
	}
	flush()
	groups = fuseElementwise(groups)
	// Which step consumes each value last; graph outputs are consumed "after the end".
	lastUse := make([]int, len(b.values))
	for i := range lastUse {
		lastUse[i] = -1
	}
	producer := make([]int, len(b.values))
	for i := range producer {
		producer[i] = -1
	}
	for gi, g := range groups {
		for _, n := range g {
			for _, o := range n.outputs {
				producer[o.id] = gi
			}
		}
	}
	isOutput := make([]bool, len(b.values))
	for _, v := range outs {
		isOutput[v.id] = true
	}
	e := &Executable{builder: b, outputs: make([]int, len(outs)), outShapes: make([]shapes.Shape, len(outs))}
	for i, v := range outs {
		e.outputs[i], e.outShapes[i] = v.id, v.shape
	}
	for _, p := range b.params {
		e.params = append(e.params, p.id)
		e.paramNames = append(e.paramNames, p.node.opName[len("Parameter "):])
		e.paramShapes = append(e.paramShapes, p.shape)
	}
	for gi, g := range groups {
		for _, n := range g {
			for _, in := range n.inputs {
				if producer[in.id] != gi {
					lastUse[in.id] = gi
				}
			}
		}
	}
	for gi, g := range groups {
		s, err := b.buildStep(gi, g, producer, lastUse, isOutput)
		if err != nil {
			e.Finalize()
			return nil, err
		}
		e.steps = append(e.steps, s)
	}
	// Free intermediates after their last use (never parameters, never outputs).
	for id, gi := range lastUse {
		if gi < 0 || isOutput[id] || b.values[id].node.kind == kindParameter {
			continue
		}
		s := e.steps[gi]
		donated := false
		for i, in := range s.ins {
			if in == id && s.donate != nil && s.donate[i] {
				donated = true
			}
		}
		if !donated {
			s.free = append(s.free, id)
		}
	}
	e.numValues = len(b.values)
	// Tell the recycler how many buffers of each shape one run asks it for: it keeps no
	// more than that of a shape (buffers of shapes that inner segments also produce would
	// otherwise pile up run after run, up to RecycleLimit).
	need := map[shapeKey]int{}
	for _, s := range e.steps {
		if s.native != nil || s.fused != nil {
			for _, id := range s.outs {
				if k, ok := keyOf(b.values[id].shape); ok {
					need[k]++
				}
			}
		}
	}
	b.backend.recycle.need(need)
	return e, nil
}

// buildStep builds step gi from its nodes: a native step, or a compiled inner segment.
func (b *Builder) buildStep(gi int, g []*node, producer, lastUse []int, isOutput []bool) (*step, error) {
	s := &step{}
	if isFused(g) {
		inGroup := map[int]bool{}
		for _, n := range g {
			inGroup[n.outputs[0].id] = true
		}
		seen := map[int]bool{}
		for _, n := range g {
			for _, in := range n.inputs {
				if !inGroup[in.id] && !seen[in.id] {
					seen[in.id] = true
					s.ins = append(s.ins, in.id)
				}
			}
		}
		for _, n := range g {
			if o := n.outputs[0]; isOutput[o.id] || lastUse[o.id] > gi {
				s.outs = append(s.outs, o.id)
			}
		}
		s.nodes = g
		s.fused = newFusedStep(g, s)
		return s, nil
	}
	if len(g) == 1 && g[0].kind != kindInner {
		n := g[0]
		s.native = n
		for _, in := range n.inputs {
			s.ins = append(s.ins, in.id)
		}
		for _, o := range n.outputs {
			s.outs = append(s.outs, o.id)
		}
		return s, nil
	}
	s.nodes = g
	ib := b.backend.Backend.Builder(fmt.Sprintf("%s#%d", b.name, gi))
	ops := map[int]backends.Op{}
	for _, n := range g {
		in := make([]backends.Op, len(n.inputs))
		for i, v := range n.inputs {
			op, ok := ops[v.id]
			if !ok {
				var err error
				op, err = ib.Parameter(fmt.Sprintf("v%d", v.id), v.shape, nil)
				if err != nil {
					return nil, fmt.Errorf("%s: segment %d input %s: %w", Name, gi, v.shape, err)
				}
				ops[v.id] = op
				s.ins = append(s.ins, v.id)
				// Intermediates last used here can be consumed in place by the inner backend.
				s.donate = append(s.donate, lastUse[v.id] == gi && !isOutput[v.id] && v.node.kind != kindParameter)
			}
			in[i] = op
		}
		res, err := n.replay(ib, in)
		if err != nil {
			return nil, fmt.Errorf("%s: replaying %s: %w", Name, n.opName, err)
		}
		for i, o := range n.outputs {
			ops[o.id] = res[i]
		}
	}
	var outOps []backends.Op
	for _, n := range g {
		for _, o := range n.outputs {
			if isOutput[o.id] || lastUse[o.id] > gi {
				outOps = append(outOps, ops[o.id])
				s.outs = append(s.outs, o.id)
			}
		}
	}
	exe, err := ib.Compile(outOps, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: compiling segment %d (%d ops, first %s): %w", Name, gi, len(g), g[0].opName, err)
	}
	s.exe = exe
	return s, nil
}

// fuseMulReduce turns ReduceSum(Mul(a, b)) into one native node when the product feeds
// nothing else: GoMLX's DotGeneral gradient is written as such a broadcast product, which
// would otherwise be materialized in full (hundreds of MB for a 1×1 convolution).
func fuseMulReduce(nodes []*node, live map[*node]bool, outs []*value) {
	uses := map[*value]int{}
	for _, n := range nodes {
		if live[n] {
			for _, in := range n.inputs {
				uses[in]++
			}
		}
	}
	for _, o := range outs {
		uses[o]++
	}
	for _, n := range nodes {
		if !live[n] || n.kind != kindReduce || n.redOp != kernels.ReduceSum {
			continue
		}
		p := n.inputs[0]
		if p.node.kind != kindBinary || p.node.binOp != kernels.Mul || uses[p] != 1 {
			continue
		}
		n.kind = kindMulReduce
		n.product = p.shape
		n.inputs = p.node.inputs
		live[p.node] = false
	}
}
