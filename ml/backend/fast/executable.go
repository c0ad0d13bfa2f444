package fast

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// Executable runs a compiled graph: its steps in order, on one device.
type Executable struct {
	builder     *Builder
	steps       []*step
	params      []int
	paramNames  []string
	paramShapes []shapes.Shape
	outputs     []int
	outShapes   []shapes.Shape
	numValues   int
}

var _ backends.Executable = (*Executable)(nil)

// Finalize implements backends.Executable.
func (e *Executable) Finalize() {
	for _, s := range e.steps {
		if s.exe != nil {
			s.exe.Finalize()
		}
	}
	e.steps = nil
}

// Inputs implements backends.Executable.
func (e *Executable) Inputs() ([]string, []shapes.Shape) { return e.paramNames, e.paramShapes }

// Outputs implements backends.Executable.
func (e *Executable) Outputs() []shapes.Shape { return e.outShapes }

// Execute implements backends.Executable. Input buffers are never modified or consumed
// (donation is ignored); outputs are new buffers.
func (e *Executable) Execute(inputs []backends.Buffer, donate []bool, dev backends.DeviceNum) ([]backends.Buffer, error) {
	if len(inputs) != len(e.params) {
		return nil, fmt.Errorf("%s: executable %q takes %d inputs, got %d", Name, e.builder.name, len(e.params), len(inputs))
	}
	inner := e.builder.backend.Backend
	recycle := &e.builder.backend.recycle
	bufs := make([]backends.Buffer, e.numValues)
	owned := make([]bool, e.numValues)
	for i, id := range e.params {
		s, err := inner.BufferShape(inputs[i])
		if err != nil {
			return nil, fmt.Errorf("%s: input #%d (%s): %w", Name, i, e.paramNames[i], err)
		}
		if !s.Equal(e.paramShapes[i]) {
			return nil, fmt.Errorf("%s: input #%d (%s) has shape %s, want %s", Name, i, e.paramNames[i], s, e.paramShapes[i])
		}
		bufs[id] = inputs[i]
	}
	cleanup := func() {
		for id, b := range bufs {
			if b != nil && owned[id] {
				recycle.put(inner, b)
			}
		}
	}
	var prof *profile
	if traceEnabled {
		prof = newProfile()
		defer prof.print(e.builder.name)
	}
	for si, s := range e.steps {
		var outs []backends.Buffer
		var err error
		if prof != nil {
			prof.start()
		}
		if s.fused != nil {
			outs, err = e.runFused(s, bufs, dev)
		} else if s.native != nil && s.native.kind == kindWhere {
			outs, err = e.runWhere(s.native, s, bufs, dev)
		} else if s.native != nil && s.native.kind == kindCompare {
			outs, err = e.runCompare(s.native, s, bufs, dev)
		} else if s.native != nil && (s.native.kind == kindGather || s.native.kind == kindScatter) {
			outs, err = e.runGatherScatter(s.native, s, bufs, dev)
		} else if s.native != nil {
			outs, err = e.runNative(s.native, s, bufs, dev)
		} else {
			in := make([]backends.Buffer, len(s.ins))
			for i, id := range s.ins {
				in[i] = bufs[id]
			}
			outs, err = s.exe.Execute(in, s.donate, dev)
			for i, id := range s.ins {
				if s.donate[i] {
					bufs[id], owned[id] = nil, false
				}
			}
		}
		if err != nil {
			cleanup()
			return nil, fmt.Errorf("%s: step %d of %q: %w", Name, si, e.builder.name, err)
		}
		if prof != nil {
			prof.stop(s, bufs, inner)
		}
		for i, id := range s.outs {
			bufs[id], owned[id] = outs[i], true
		}
		for _, id := range s.free {
			if bufs[id] != nil && owned[id] {
				recycle.put(inner, bufs[id])
			}
			bufs[id], owned[id] = nil, false
		}
	}
	results := make([]backends.Buffer, len(e.outputs))
	for i, id := range e.outputs {
		b := bufs[id]
		if owned[id] {
			results[i] = b
			owned[id] = false // handed to the caller; a second use gets a copy
			continue
		}
		c, err := copyBuffer(inner, b, dev)
		if err != nil {
			cleanup()
			return nil, err
		}
		results[i] = c
	}
	cleanup()
	return results, nil
}

func copyBuffer(inner backends.Backend, b backends.Buffer, dev backends.DeviceNum) (backends.Buffer, error) {
	s, err := inner.BufferShape(b)
	if err != nil {
		return nil, err
	}
	flat, err := inner.BufferData(b)
	if err != nil {
		return nil, err
	}
	return inner.BufferFromFlatData(dev, flat, s)
}

// inputFlats returns the flat data of a step's inputs.
func inputFlats(inner backends.Backend, s *step, bufs []backends.Buffer) ([]any, error) {
	flats := make([]any, len(s.ins))
	for i, id := range s.ins {
		f, err := inner.BufferData(bufs[id])
		if err != nil {
			return nil, err
		}
		flats[i] = f
	}
	return flats, nil
}

// float32Inputs returns the flat data of a step's inputs, all float32.
func float32Inputs(n *node, inner backends.Backend, s *step, bufs []backends.Buffer) ([][]float32, error) {
	flats, err := inputFlats(inner, s, bufs)
	if err != nil {
		return nil, err
	}
	ins := make([][]float32, len(flats))
	for i, flat := range flats {
		f, ok := flat.([]float32)
		if !ok {
			return nil, fmt.Errorf("%s: input #%d is %T, want []float32", n.opName, i, flat)
		}
		ins[i] = f
	}
	return ins, nil
}

func (e *Executable) runNative(n *node, s *step, bufs []backends.Buffer, dev backends.DeviceNum) ([]backends.Buffer, error) {
	inner := e.builder.backend.Backend
	ins, err := float32Inputs(n, inner, s, bufs)
	if err != nil {
		return nil, err
	}
	outShape := n.outputs[0].shape
	buf, flat, err := e.builder.backend.recycle.get(inner, dev, outShape)
	if err != nil {
		return nil, err
	}
	out := flat.([]float32)
	switch n.kind {
	case kindConv:
		err = n.conv.run(ins[0], ins[1], out)
	case kindReverse:
		err = kernels.Reverse(out, ins[0], outShape.Dimensions, n.revAxes)
	case kindBinary, kindReduce, kindBroadcast, kindTranspose, kindMulReduce:
		err = runElementwise(n, ins, out)
	default:
		err = runMore(n, ins, out)
	}
	if err != nil {
		_ = inner.BufferFinalize(buf)
		return nil, fmt.Errorf("%s: %w", n.opName, err)
	}
	return []backends.Buffer{buf}, nil
}
