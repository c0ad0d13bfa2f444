// Package opcheck lists the backend operations and data types that GoMLX graphs use
// and checks them against a backend's capabilities, so that a model built and
// tested on the pure-Go backends does not meet an operation XLA lacks the first
// time it trains on a GPU (see this package's test, which records the training,
// evaluation and prediction graphs of every framework and net).
//
// Imports: GoMLX (backends, graph, dtypes) and the standard library.
package opcheck

import (
	"fmt"
	"sort"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Use is what a set of graphs asks of a backend: each operation and data type
// with the number of nodes that use it.
type Use struct {
	Ops    map[backends.OpType]int
	DTypes map[dtypes.DType]int
}

// notOps are graph node types that are no backend operation: a split node picks
// one output of a multi-output operation (already counted).
var notOps = map[graph.NodeType]bool{graph.NodeTypeSplitNode: true}

// Of returns the operations and data types of the graphs' nodes. A node type
// that names no backend operation is an error (GoMLX gained an operation this
// package does not know how to map).
func Of(graphs ...*graph.Graph) (Use, error) {
	u := Use{Ops: map[backends.OpType]int{}, DTypes: map[dtypes.DType]int{}}
	for _, g := range graphs {
		for _, n := range g.Nodes() {
			if n == nil {
				continue
			}
			if n.NumOutputs() == 1 {
				u.DTypes[n.DType()]++
			}
			if notOps[n.Type()] {
				continue
			}
			op, err := backends.OpTypeString(n.Type().String())
			if err != nil {
				return u, fmt.Errorf("opcheck: graph node type %s has no backend operation of the same name", n.Type())
			}
			u.Ops[op]++
		}
	}
	return u, nil
}

// Missing returns what u uses that caps lacks: operations and data types,
// each sorted by name.
func (u Use) Missing(caps backends.Capabilities) (ops []backends.OpType, types []dtypes.DType) {
	for op := range u.Ops {
		if !caps.Operations[op] {
			ops = append(ops, op)
		}
	}
	for dt := range u.DTypes {
		if !caps.DTypes[dt] {
			types = append(types, dt)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].String() < ops[j].String() })
	sort.Slice(types, func(i, j int) bool { return types[i].String() < types[j].String() })
	return ops, types
}

// Names returns the operations used, sorted by name, each with its node count
// ("Add×12").
func (u Use) Names() []string {
	out := make([]string, 0, len(u.Ops))
	for op, n := range u.Ops {
		out = append(out, fmt.Sprintf("%s×%d", op, n))
	}
	sort.Strings(out)
	return out
}
