package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
)

// exportError carries an export problem out of the layer walk (recovered by Export).
type exportError struct{ err error }

// fail stops the export with a formatted error.
func fail(format string, args ...any) { panic(exportError{fmt.Errorf(format, args...)}) }

// val is a tensor of the graph being built: its name and channel count.
type val struct {
	name string
	ch   int
}

// builder accumulates the nodes and initializers of one ONNX graph.
type builder struct {
	g      graphProto
	w      Weights
	prefix string // scope of the net's variables ("" for the root)
	count  map[string]int
	// probe, when set (Import), replaces w: each variable is zeros of the shape
	// the net's config gives it, an axis the config leaves open taking the size
	// of the same axis of probe's initializer of the same name.
	probe *Graph
	// origins maps each initializer that holds a variable to that variable.
	origins map[string]origin
}

// origin says which variable an initializer holds and how: initializer value j
// is the variable's value perm[j] (perm nil: the same order).
type origin struct {
	variable string
	dims     []int
	perm     []int
}

func newBuilder(w Weights, prefix string) *builder {
	return &builder{w: w, prefix: strings.TrimSuffix(prefix, "/"), count: map[string]int{}, origins: map[string]origin{}}
}

// unique returns base, or base_N when base was used before.
func (b *builder) unique(base string) string {
	n := b.count[base]
	b.count[base]++
	if n == 0 {
		return base
	}
	return fmt.Sprintf("%s_%d", base, n)
}

// node adds op on inputs and returns its one output; the names follow scope.
func (b *builder) node(scope, op string, in []string, attrs ...attribute) string {
	name := b.unique(strings.TrimPrefix(scope+"/"+op, "/"))
	b.g.nodes = append(b.g.nodes, node{op: op, name: name, in: in, out: []string{name}, attrs: attrs})
	return name
}

// floats adds a float32 initializer.
func (b *builder) floats(name string, dims []int, v []float32) string {
	raw := make([]byte, 0, 4*len(v))
	for _, x := range v {
		raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(x))
	}
	name = b.unique(name)
	b.g.inits = append(b.g.inits, tensor{name: name, dims: int64s(dims), dtype: typeFloat, raw: raw})
	return name
}

// ints64 adds an int64 initializer of one axis.
func (b *builder) ints64(name string, v []int64) string {
	raw := make([]byte, 0, 8*len(v))
	for _, x := range v {
		raw = binary.LittleEndian.AppendUint64(raw, uint64(x))
	}
	name = b.unique(name)
	b.g.inits = append(b.g.inits, tensor{name: name, dims: []int64{int64(len(v))}, dtype: typeInt64, raw: raw})
	return name
}

// variable reads the variable scope/name, checks its shape (want; -1 any) and
// returns its values and dims.
func (b *builder) variable(scope, name string, want ...int) ([]float32, []int) {
	if b.probe != nil {
		return b.probeVariable(trim(scope+"/"+name), want)
	}
	v, dims, err := float32s(b.w, b.prefix+scope+"/"+name, want)
	if err != nil {
		panic(exportError{err})
	}
	return v, dims
}

// probeVariable is variable in probe mode: zeros of the wanted shape, an open
// axis (-1) sized like the probe's initializer init.
func (b *builder) probeVariable(init string, want []int) ([]float32, []int) {
	dims := slices.Clone(want)
	for i, d := range dims {
		if d >= 0 {
			continue
		}
		t := b.probe.Initializers[init]
		if t == nil || len(t.Shape) != len(want) {
			fail("onnx: the model has no initializer %s of rank %d (the net's first weights)", init, len(want))
		}
		dims[i] = t.Shape[i]
	}
	return make([]float32, prod(dims)), dims
}

// param adds a variable as an initializer of the given dims (same size as the variable's).
func (b *builder) param(scope, name string, dims []int, want ...int) string {
	v, vdims := b.variable(scope, name, want...)
	return b.holding(trim(scope+"/"+name), dims, v, b.prefix+scope+"/"+name, vdims, nil)
}

// holding adds initializer name of the given dims holding variable (of shape
// vdims, values w) with its values reordered by perm (see origin).
func (b *builder) holding(name string, dims []int, w []float32, variable string, vdims, perm []int) string {
	t := w
	if perm != nil {
		t = make([]float32, len(perm))
		for j, p := range perm {
			t[j] = w[p]
		}
	}
	name = b.floats(name, dims, t)
	b.origins[name] = origin{variable: variable, dims: vdims, perm: perm}
	return name
}

func int64s(v []int) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

func intsAttr(name string, v []int) attribute {
	return attribute{name: name, kind: attrInts, ints: int64s(v)}
}

func intAttr(name string, v int64) attribute { return attribute{name: name, kind: attrInt, i: v} }

func floatAttr(name string, v float32) attribute {
	return attribute{name: name, kind: attrFloat, f: v}
}
