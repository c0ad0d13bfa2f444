package onnx

import (
	"fmt"
	"slices"
	"sort"
)

// opFunc evaluates one node on its inputs (nil for an omitted optional input).
type opFunc func(n *Node, in []*Tensor) (*Tensor, error)

// ops are the operators the interpreter evaluates: those im2im's exporter
// writes and those of the zoo's U-Nets (Resize, Constant, Clip, Sub, Div, ...).
var ops map[string]opFunc

func init() {
	ops = map[string]opFunc{
		"Conv": evalConv, "ConvTranspose": evalConvTranspose, "MaxPool": evalMaxPool,
		"InstanceNormalization": evalInstanceNorm, "BatchNormalization": evalBatchNorm,
		"Relu":      unary(func(x float32) float32 { return max(x, 0) }),
		"Sigmoid":   unary(sigmoid),
		"Tanh":      unary(tanh32),
		"LeakyRelu": evalLeakyRelu, "Elu": evalElu, "PRelu": evalPRelu,
		"Add": elementwise(func(a, b float32) float32 { return a + b }), "Sub": elementwise(func(a, b float32) float32 { return a - b }),
		"Mul": elementwise(func(a, b float32) float32 { return a * b }), "Div": elementwise(func(a, b float32) float32 { return a / b }),
		"Concat": evalConcat, "Pad": evalPad, "Reshape": evalReshape, "Shape": evalShape, "Constant": evalConstant,
		"Identity": evalIdentity, "Dropout": evalIdentity, "Softmax": evalSoftmax, "Clip": evalClip, "Resize": evalResize,
	}
}

// SupportedOps lists the operators Run evaluates, sorted.
func SupportedOps() []string {
	out := make([]string, 0, len(ops))
	for op := range ops {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}

// Check reports the first node whose operator (or domain) the interpreter
// does not evaluate, naming it, and a graph that does not have exactly one
// input besides its initializers and at least one output.
func (m *Model) Check() error {
	for i, n := range m.Graph.Nodes {
		if n.Domain != "" && n.Domain != "ai.onnx" {
			return fmt.Errorf("onnx: node %d (%q) is %s of domain %q; only the default domain is supported", i, n.Name, n.Op, n.Domain)
		}
		if ops[n.Op] == nil {
			return fmt.Errorf("onnx: node %d (%q) is %s, which im2im cannot run (supported: %v)", i, n.Name, n.Op, SupportedOps())
		}
		if len(n.Outputs) == 0 {
			return fmt.Errorf("onnx: node %d (%q, %s) has no output", i, n.Name, n.Op)
		}
	}
	if in := m.inputs(); len(in) != 1 {
		return fmt.Errorf("onnx: the model has %d inputs %v; im2im runs models of one input", len(in), in)
	}
	if len(m.Graph.Outputs) == 0 {
		return fmt.Errorf("onnx: the model has no output")
	}
	return nil
}

// inputs are the graph inputs that are not initializers.
func (m *Model) inputs() []string {
	var out []string
	for _, v := range m.Graph.Inputs {
		if _, ok := m.Graph.Initializers[v.Name]; !ok {
			out = append(out, v.Name)
		}
	}
	return out
}

// Run evaluates the graph on x, the value of its one input, and returns its
// first output. Values are freed as soon as no later node reads them, so
// memory holds only the live feature maps.
func (m *Model) Run(x *Tensor) (*Tensor, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	if x == nil || x.Float == nil || len(x.Float) != x.Len() {
		return nil, fmt.Errorf("onnx: run: the input must be a float tensor whose values fill its shape")
	}
	g := &m.Graph
	lastUse := map[string]int{}
	for i, n := range g.Nodes {
		for _, in := range n.Inputs {
			lastUse[in] = i
		}
	}
	outName := g.Outputs[0].Name
	lastUse[outName] = len(g.Nodes)
	vals := map[string]*Tensor{m.inputs()[0]: x}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		in := make([]*Tensor, len(n.Inputs))
		for j, name := range n.Inputs {
			if name == "" {
				continue
			}
			if t, ok := vals[name]; ok {
				in[j] = t
			} else {
				in[j] = g.Initializers[name]
			}
		}
		out, err := ops[n.Op](n, in)
		if err != nil {
			return nil, fmt.Errorf("onnx: node %d (%s %q): %w", i, n.Op, n.Name, err)
		}
		vals[n.Outputs[0]] = out
		for _, name := range n.Inputs {
			if lastUse[name] == i && name != outName {
				delete(vals, name)
			}
		}
	}
	return vals[outName], nil
}

// need checks that input i is present and holds floats.
func need(in []*Tensor, i int, what string) (*Tensor, error) {
	if i >= len(in) || in[i] == nil {
		return nil, fmt.Errorf("missing input %d (%s)", i, what)
	}
	if in[i].Float == nil {
		return nil, fmt.Errorf("input %d (%s) is not a float tensor", i, what)
	}
	return in[i], nil
}

// needInts returns input i's integer values (nil, nil when it is omitted).
func needInts(in []*Tensor, i int, what string) ([]int64, error) {
	if i >= len(in) || in[i] == nil {
		return nil, nil
	}
	if in[i].Int == nil {
		return nil, fmt.Errorf("input %d (%s) is not an integer tensor", i, what)
	}
	return in[i].Int, nil
}

// ints returns an integer-list attribute, or def.
func (n *Node) ints(name string, def []int) []int {
	a, ok := n.Attrs[name]
	if !ok {
		return def
	}
	out := make([]int, len(a.Ints))
	for i, v := range a.Ints {
		out[i] = int(v)
	}
	return out
}

// int returns an integer attribute, or def.
func (n *Node) int(name string, def int64) int64 {
	if a, ok := n.Attrs[name]; ok {
		return a.I
	}
	return def
}

// float returns a float attribute, or def.
func (n *Node) float(name string, def float32) float32 {
	if a, ok := n.Attrs[name]; ok {
		return a.F
	}
	return def
}

// str returns a string attribute, or def.
func (n *Node) str(name, def string) string {
	if a, ok := n.Attrs[name]; ok {
		return a.S
	}
	return def
}

// normAxis turns a possibly negative axis of a rank-r tensor into 0..r-1.
func normAxis(axis int64, r int) (int, error) {
	a := int(axis)
	if a < 0 {
		a += r
	}
	if a < 0 || a >= r {
		return 0, fmt.Errorf("axis %d of a rank-%d tensor", axis, r)
	}
	return a, nil
}

func evalIdentity(_ *Node, in []*Tensor) (*Tensor, error) {
	if len(in) == 0 || in[0] == nil {
		return nil, fmt.Errorf("missing input")
	}
	return in[0], nil
}

func evalConstant(n *Node, _ []*Tensor) (*Tensor, error) {
	if a, ok := n.Attrs["value"]; ok && a.T != nil {
		return a.T, nil
	}
	if a, ok := n.Attrs["value_float"]; ok {
		return &Tensor{Shape: []int{}, Float: []float32{a.F}}, nil
	}
	if a, ok := n.Attrs["value_floats"]; ok {
		return &Tensor{Shape: []int{len(a.Floats)}, Float: slices.Clone(a.Floats)}, nil
	}
	if a, ok := n.Attrs["value_int"]; ok {
		return &Tensor{Shape: []int{}, Int: []int64{a.I}}, nil
	}
	if a, ok := n.Attrs["value_ints"]; ok {
		return &Tensor{Shape: []int{len(a.Ints)}, Int: slices.Clone(a.Ints)}, nil
	}
	return nil, fmt.Errorf("Constant without a value, value_float(s) or value_int(s) attribute")
}

func evalShape(n *Node, in []*Tensor) (*Tensor, error) {
	if len(in) == 0 || in[0] == nil {
		return nil, fmt.Errorf("missing input")
	}
	r := len(in[0].Shape)
	start, end := int(n.int("start", 0)), int(n.int("end", int64(r)))
	if start < 0 {
		start += r
	}
	if end < 0 {
		end += r
	}
	start, end = min(max(start, 0), r), min(max(end, 0), r)
	out := &Tensor{Shape: []int{max(end-start, 0)}, Int: []int64{}}
	for i := start; i < end; i++ {
		out.Int = append(out.Int, int64(in[0].Shape[i]))
	}
	return out, nil
}

func evalReshape(n *Node, in []*Tensor) (*Tensor, error) {
	if len(in) < 2 || in[0] == nil {
		return nil, fmt.Errorf("missing input")
	}
	spec, err := needInts(in, 1, "shape")
	if err != nil || spec == nil {
		return nil, fmt.Errorf("the shape input must be given as integers")
	}
	x := in[0]
	allowZero := n.int("allowzero", 0) != 0
	shape := make([]int, len(spec))
	infer, known := -1, 1
	for i, s := range spec {
		switch {
		case s == 0 && !allowZero:
			if i >= len(x.Shape) {
				return nil, fmt.Errorf("shape %v copies axis %d of a rank-%d input", spec, i, len(x.Shape))
			}
			shape[i] = x.Shape[i]
		case s == -1:
			if infer >= 0 {
				return nil, fmt.Errorf("shape %v has two -1", spec)
			}
			infer = i
			continue
		case s < 0 || s > maxTensorElems:
			return nil, fmt.Errorf("shape %v", spec)
		default:
			shape[i] = int(s)
		}
		known *= shape[i]
	}
	total := x.Len()
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return nil, fmt.Errorf("cannot reshape %v into %v", x.Shape, spec)
		}
		shape[infer] = total / known
	} else if known != total {
		return nil, fmt.Errorf("cannot reshape %v into %v", x.Shape, spec)
	}
	return &Tensor{Shape: shape, Float: x.Float, Int: x.Int}, nil
}

func evalConcat(n *Node, in []*Tensor) (*Tensor, error) {
	if len(in) == 0 || in[0] == nil {
		return nil, fmt.Errorf("no inputs")
	}
	r := len(in[0].Shape)
	axis, err := normAxis(n.int("axis", 0), r)
	if err != nil {
		return nil, err
	}
	shape := slices.Clone(in[0].Shape)
	shape[axis] = 0
	for i, t := range in {
		if t == nil || t.Float == nil || len(t.Shape) != r {
			return nil, fmt.Errorf("input %d is not a float tensor of rank %d", i, r)
		}
		for a := range r {
			if a != axis && t.Shape[a] != shape[a] {
				return nil, fmt.Errorf("input %d has shape %v, input 0 %v", i, t.Shape, in[0].Shape)
			}
		}
		shape[axis] += t.Shape[axis]
	}
	outer := shapeSize(shape[:axis])
	out := &Tensor{Shape: shape, Float: make([]float32, 0, shapeSize(shape))}
	for o := range outer {
		for _, t := range in {
			block := shapeSize(t.Shape[axis:])
			out.Float = append(out.Float, t.Float[o*block:(o+1)*block]...)
		}
	}
	return out, nil
}
