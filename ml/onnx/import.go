package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Import is the inverse of Export: it reads the weights of net back from an
// ONNX model that Export wrote for a net of the same kind and configuration,
// and returns them by scope and name (under Options.Scope), with the shapes
// the net's variables have, ready to initialise a run. The model's graph must
// be the one Export writes for net, node for node and initializer for
// initializer (names, operators, attributes, shapes); the first difference is
// the error, naming the node or initializer and what differs. The net's input
// channels are taken from the model when its config leaves them open.
func Import(net any, model []byte, opt Options) (MapWeights, error) {
	m, err := ReadModel(model)
	if err != nil {
		return nil, err
	}
	b := newBuilder(nil, opt.Scope)
	b.probe = &m.Graph
	if _, err := walk(net, b); err != nil {
		return nil, err
	}
	if err := sameGraph(b, m); err != nil {
		return nil, err
	}
	w := MapWeights{}
	for name, o := range b.origins {
		t := m.Graph.Initializers[name]
		if len(t.Float) != prod(o.dims) {
			return nil, fmt.Errorf("onnx: initializer %s holds %d float values, variable %s needs %d", name, len(t.Float), o.variable, prod(o.dims))
		}
		v := t.Float
		if o.perm != nil {
			v = make([]float32, len(t.Float))
			for j, p := range o.perm {
				v[p] = t.Float[j]
			}
		}
		if len(o.dims) == 0 {
			w[o.variable] = tensors.FromScalar(v[0])
		} else {
			w[o.variable] = tensors.FromFlatDataAndDimensions(slices.Clone(v), o.dims...)
		}
	}
	return w, nil
}

// sameGraph reports the first difference between the graph Export writes for
// the net (want) and the model's.
func sameGraph(b *builder, m *Model) error {
	want, got := &b.g, &m.Graph
	if got.Name != want.name {
		return fmt.Errorf("onnx: the model's graph is %q (written by %q); the configured net exports as %q", got.Name, m.Producer, want.name)
	}
	inits := map[string]*tensor{}
	for i := range want.inits {
		inits[want.inits[i].name] = &want.inits[i]
	}
	for i, n := range want.nodes {
		if i >= len(got.Nodes) {
			return fmt.Errorf("onnx: the model's graph ends after %d nodes; the configured %s has %d (next: %s %s)", len(got.Nodes), want.name, len(want.nodes), n.op, n.name)
		}
		g := got.Nodes[i]
		where := fmt.Sprintf("onnx: node %d (%s)", i, n.name)
		if g.Op != n.op || g.Name != n.name {
			return fmt.Errorf("%s: the model has %s %q there; the configured %s has %s", where, g.Op, g.Name, want.name, n.op)
		}
		if !slices.Equal(g.Inputs, n.in) || !slices.Equal(g.Outputs, n.out) {
			return fmt.Errorf("%s: the model's node reads %v and writes %v; the configured %s's reads %v and writes %v", where, g.Inputs, g.Outputs, want.name, n.in, n.out)
		}
		for _, in := range n.in {
			if t := inits[in]; t != nil {
				_, variable := b.origins[in]
				if err := sameInit(t, got.Initializers[in], !variable); err != nil {
					return fmt.Errorf("%s: %w", where, err)
				}
			}
		}
		if err := sameAttrs(n.attrs, g.Attrs); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	if len(got.Nodes) > len(want.nodes) {
		return fmt.Errorf("onnx: the model's graph has %d nodes; the configured %s has %d (extra: %s %s)", len(got.Nodes), want.name, len(want.nodes), got.Nodes[len(want.nodes)].Op, got.Nodes[len(want.nodes)].Name)
	}
	return nil
}

// sameInit compares an initializer's shape (and the values of a constant: one
// that holds no variable) with the model's.
func sameInit(want *tensor, got *Tensor, constant bool) error {
	dims := make([]int, len(want.dims))
	for i, d := range want.dims {
		dims[i] = int(d)
	}
	if got == nil {
		return fmt.Errorf("initializer %s is missing from the model", want.name)
	}
	if !slices.Equal(got.Shape, dims) {
		return fmt.Errorf("initializer %s has shape %v in the model; the configured net's is %v", want.name, got.Shape, dims)
	}
	if !constant {
		return nil
	}
	var same bool
	switch want.dtype {
	case typeFloat:
		same = len(got.Float) == len(want.raw)/4
		for i := 0; same && i < len(got.Float); i++ {
			same = math.Float32bits(got.Float[i]) == binary.LittleEndian.Uint32(want.raw[4*i:])
		}
	case typeInt64:
		same = len(got.Int) == len(want.raw)/8
		for i := 0; same && i < len(got.Int); i++ {
			same = uint64(got.Int[i]) == binary.LittleEndian.Uint64(want.raw[8*i:])
		}
	}
	if !same {
		return fmt.Errorf("constant %s has other values in the model than in the configured net", want.name)
	}
	return nil
}

// sameAttrs compares a node's attributes with the model's.
func sameAttrs(want []attribute, got map[string]Attr) error {
	names := make([]string, 0, len(want))
	for _, a := range want {
		names = append(names, a.name)
		g, ok := got[a.name]
		if !ok {
			return fmt.Errorf("attribute %s is missing from the model", a.name)
		}
		same := true
		var w, h any
		switch a.kind {
		case attrFloat:
			same, w, h = g.F == a.f, a.f, g.F
		case attrInt:
			same, w, h = g.I == a.i, a.i, g.I
		case attrString:
			same, w, h = g.S == a.s, a.s, g.S
		case attrInts:
			same, w, h = slices.Equal(g.Ints, a.ints), a.ints, g.Ints
		}
		if !same {
			return fmt.Errorf("attribute %s is %v in the model; the configured net's is %v", a.name, h, w)
		}
	}
	if len(got) != len(want) {
		var extra []string
		for name := range got {
			if !slices.Contains(names, name) {
				extra = append(extra, name)
			}
		}
		sort.Strings(extra)
		return fmt.Errorf("the model's node has attributes %v that the configured net's has not", extra)
	}
	return nil
}
