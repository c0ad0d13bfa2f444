package fast

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Builder records a computation graph. Every op is first applied to a mirror builder of
// the inner backend, which validates it and infers its shape; the recorded node keeps a
// closure that replays the op at compile time.
type Builder struct {
	backend  *Backend
	name     string
	mirror   backends.Builder
	nodes    []*node
	values   []*value
	params   []*value
	compiled bool
	stand    int // count of mirror stand-in parameters for native ops
}

var _ backends.Builder = (*Builder)(nil)

// Name implements backends.Builder.
func (b *Builder) Name() string { return b.name }

func (b *Builder) toValues(opName string, ops []backends.Op) ([]*value, error) {
	vs := make([]*value, len(ops))
	for i, op := range ops {
		v, ok := op.(*value)
		if !ok || v == nil {
			return nil, fmt.Errorf("%s %s: input #%d is %T, not an op of this builder", Name, opName, i, op)
		}
		if v.builder != b {
			return nil, fmt.Errorf("%s %s: input #%d belongs to builder %q, not %q", Name, opName, i, v.builder.name, b.name)
		}
		vs[i] = v
	}
	return vs, nil
}

func (b *Builder) addNode(n *node, mirrors []backends.Op) ([]backends.Op, error) {
	ops := make([]backends.Op, len(mirrors))
	for i, m := range mirrors {
		s, err := b.mirror.OpShape(m)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", Name, n.opName, err)
		}
		v := &value{builder: b, node: n, id: len(b.values), shape: s, mirror: m}
		b.values = append(b.values, v)
		n.outputs = append(n.outputs, v)
		ops[i] = v
	}
	b.nodes = append(b.nodes, n)
	return ops, nil
}

// record validates an op on the mirror builder and records it for replay on the inner backend.
func (b *Builder) record(opName string, ins []backends.Op, nOut int, replay replayFn) ([]backends.Op, error) {
	if b.compiled {
		return nil, fmt.Errorf("%s %s: builder %q was already compiled", Name, opName, b.name)
	}
	vs, err := b.toValues(opName, ins)
	if err != nil {
		return nil, err
	}
	mirrorIns := make([]backends.Op, len(vs))
	for i, v := range vs {
		mirrorIns[i] = v.mirror
	}
	mirrors, err := replay(b.mirror, mirrorIns)
	if err != nil {
		return nil, err
	}
	if len(mirrors) != nOut {
		return nil, fmt.Errorf("%s %s: %d outputs, want %d", Name, opName, len(mirrors), nOut)
	}
	return b.addNode(&node{kind: kindInner, opName: opName, inputs: vs, replay: replay}, mirrors)
}

// recordNative records a natively executed op with output shape out; the mirror gets a
// parameter of that shape as a stand-in, so later ops can be shape-checked against it.
func (b *Builder) recordNative(n *node, out shapes.Shape) (backends.Op, error) {
	if b.compiled {
		return nil, fmt.Errorf("%s %s: builder %q was already compiled", Name, n.opName, b.name)
	}
	b.stand++
	m, err := b.mirror.Parameter(fmt.Sprintf("#native%d", b.stand), out, nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", Name, n.opName, err)
	}
	ops, err := b.addNode(n, []backends.Op{m})
	if err != nil {
		return nil, err
	}
	return ops[0], nil
}

// OpShape implements backends.Builder.
func (b *Builder) OpShape(op backends.Op) (shapes.Shape, error) {
	vs, err := b.toValues("OpShape", []backends.Op{op})
	if err != nil {
		return shapes.Invalid(), err
	}
	return vs[0].shape, nil
}

// Parameter implements backends.Builder. Sharding is not supported (single device).
func (b *Builder) Parameter(name string, shape shapes.Shape, sharding *backends.ShardingSpec) (backends.Op, error) {
	if sharding != nil {
		return nil, fmt.Errorf("%s Parameter %q: sharding is not supported", Name, name)
	}
	m, err := b.mirror.Parameter(name, shape, nil)
	if err != nil {
		return nil, err
	}
	n := &node{kind: kindParameter, opName: "Parameter " + name, param: len(b.params),
		replay: func(ib backends.Builder, _ []backends.Op) ([]backends.Op, error) {
			op, err := ib.Parameter(name, shape, nil)
			return []backends.Op{op}, err
		}}
	ops, err := b.addNode(n, []backends.Op{m})
	if err != nil {
		return nil, err
	}
	b.params = append(b.params, ops[0].(*value))
	return ops[0], nil
}

// Constant implements backends.Builder.
func (b *Builder) Constant(flat any, dims ...int) (backends.Op, error) {
	outs, err := b.record("Constant", nil, 1, func(ib backends.Builder, _ []backends.Op) ([]backends.Op, error) {
		op, err := ib.Constant(flat, dims...)
		return []backends.Op{op}, err
	})
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// DistributedSPMD implements backends.Builder: not supported (single device).
func (b *Builder) DistributedSPMD(numDevices int) error {
	if numDevices == 1 {
		return nil
	}
	return fmt.Errorf("%s: distributed execution is not supported", Name)
}

// DistributedAutoSharding implements backends.Builder: not supported (single device).
func (b *Builder) DistributedAutoSharding(meshes ...backends.Mesh) error {
	return fmt.Errorf("%s: distributed execution is not supported", Name)
}

// DeviceAssignment implements backends.Builder: only device 0 exists.
func (b *Builder) DeviceAssignment(devices ...backends.DeviceNum) error {
	if len(devices) == 1 && devices[0] == 0 {
		return nil
	}
	return fmt.Errorf("%s: only device 0 exists, got %v", Name, devices)
}

// AllReduce implements backends.CollectiveOps: not supported (single device).
func (b *Builder) AllReduce(operands []backends.Op, reductionType backends.ReduceOpType, replicaGroups [][]int) ([]backends.Op, error) {
	return nil, fmt.Errorf("%s: AllReduce is not supported (single device)", Name)
}
