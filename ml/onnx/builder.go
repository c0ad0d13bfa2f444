package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
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
}

func newBuilder(w Weights, prefix string) *builder {
	return &builder{w: w, prefix: strings.TrimSuffix(prefix, "/"), count: map[string]int{}}
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
	v, dims, err := float32s(b.w, b.prefix+scope+"/"+name, want)
	if err != nil {
		panic(exportError{err})
	}
	return v, dims
}

// param adds a variable as an initializer of the given dims (same size as the variable's).
func (b *builder) param(scope, name string, dims []int, want ...int) string {
	v, _ := b.variable(scope, name, want...)
	return b.floats(strings.TrimPrefix(scope+"/"+name, "/"), dims, v)
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
