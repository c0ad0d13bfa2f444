package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Model is an ONNX model as ReadModel decodes it: the parts an interpreter of
// image-to-image nets needs.
type Model struct {
	// IRVersion and Opset (of the default domain) the model declares.
	IRVersion, Opset int64
	// Producer names the program that wrote it.
	Producer string
	// Graph is the main graph.
	Graph Graph
}

// Graph is a decoded ONNX graph: nodes in topological order, constant
// initializers by name, and the graph inputs and outputs.
type Graph struct {
	Name         string
	Nodes        []Node
	Initializers map[string]*Tensor
	Inputs       []ValueInfo
	Outputs      []ValueInfo
}

// Node is one operator application.
type Node struct {
	Op, Name, Domain string
	Inputs, Outputs  []string
	Attrs            map[string]Attr
}

// Attr is a node attribute; the field its type uses is set.
type Attr struct {
	F      float32
	I      int64
	S      string
	T      *Tensor
	Floats []float32
	Ints   []int64
}

// Tensor is a dense row-major tensor: float32 values in Float, or integer
// values (int64, int32 and bool element types) in Int.
type Tensor struct {
	Shape []int
	Float []float32
	Int   []int64
}

// Len is the number of elements of the tensor's shape.
func (t *Tensor) Len() int { return shapeSize(t.Shape) }

// ValueInfo names a graph input or output and its element type and shape
// (Dims[i] < 0 for a symbolic or unknown size).
type ValueInfo struct {
	Name     string
	ElemType int
	Dims     []int64
}

// ONNX element types the reader decodes (TensorProto.DataType).
const (
	typeInt32 = 6
	typeBool  = 9
	typeDbl   = 11
)

// maxTensorElems bounds the elements of one tensor (2^31), so malformed
// dims cannot ask for absurd allocations.
const maxTensorElems = 1 << 31

// ReadModel decodes a serialized ONNX ModelProto. It reads tensors stored in
// the model (raw_data or typed fields: float, double, int32, int64, bool);
// external data, sparse initializers and subgraphs are errors. It checks that
// every node's inputs are produced before it and that the default-domain opset
// is given.
func ReadModel(b []byte) (*Model, error) {
	m := &Model{Opset: -1}
	var graph []byte
	err := forFields(b, func(f wireField) error {
		var err error
		switch f.num {
		case 1:
			m.IRVersion, err = f.int()
		case 2:
			m.Producer, err = f.str()
		case 7:
			graph, err = f.msg()
		case 8:
			var ob []byte
			if ob, err = f.msg(); err == nil {
				err = readOpset(ob, m)
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("onnx: model: %w", err)
	}
	if graph == nil {
		return nil, fmt.Errorf("onnx: model has no graph")
	}
	if m.Opset < 0 {
		return nil, fmt.Errorf("onnx: model imports no opset of the default domain")
	}
	if err := readGraph(graph, &m.Graph); err != nil {
		return nil, fmt.Errorf("onnx: graph: %w", err)
	}
	if err := m.Graph.checkOrder(); err != nil {
		return nil, fmt.Errorf("onnx: graph %q: %w", m.Graph.Name, err)
	}
	return m, nil
}

func readOpset(b []byte, m *Model) error {
	var domain string
	var version int64
	err := forFields(b, func(f wireField) error {
		var err error
		switch f.num {
		case 1:
			domain, err = f.str()
		case 2:
			version, err = f.int()
		}
		return err
	})
	if err == nil && (domain == "" || domain == "ai.onnx") {
		m.Opset = version
	}
	return err
}

func readGraph(b []byte, g *Graph) error {
	g.Initializers = map[string]*Tensor{}
	return forFields(b, func(f wireField) error {
		if f.num == 2 {
			s, err := f.str()
			g.Name = s
			return err
		}
		if f.num != 1 && f.num != 5 && f.num != 11 && f.num != 12 && f.num != 15 {
			return nil
		}
		mb, err := f.msg()
		if err != nil {
			return err
		}
		switch f.num {
		case 1:
			n, err := readNode(mb)
			if err != nil {
				return fmt.Errorf("node %d: %w", len(g.Nodes), err)
			}
			g.Nodes = append(g.Nodes, n)
		case 5:
			name, t, err := readTensor(mb)
			if err != nil {
				return fmt.Errorf("initializer %q: %w", name, err)
			}
			g.Initializers[name] = t
		case 11, 12:
			v, err := readValueInfo(mb)
			if err != nil {
				return fmt.Errorf("value info %q: %w", v.Name, err)
			}
			if f.num == 11 {
				g.Inputs = append(g.Inputs, v)
			} else {
				g.Outputs = append(g.Outputs, v)
			}
		case 15:
			return fmt.Errorf("sparse initializers are not supported")
		}
		return nil
	})
}

func readNode(b []byte) (Node, error) {
	n := Node{Attrs: map[string]Attr{}}
	err := forFields(b, func(f wireField) error {
		var err error
		var s string
		switch f.num {
		case 1, 2:
			if s, err = f.str(); err == nil {
				if f.num == 1 {
					n.Inputs = append(n.Inputs, s)
				} else {
					n.Outputs = append(n.Outputs, s)
				}
			}
		case 3:
			n.Name, err = f.str()
		case 4:
			n.Op, err = f.str()
		case 7:
			n.Domain, err = f.str()
		case 5:
			var ab []byte
			if ab, err = f.msg(); err == nil {
				var name string
				var a Attr
				if name, a, err = readAttr(ab); err == nil {
					n.Attrs[name] = a
				} else {
					err = fmt.Errorf("attribute %q: %w", name, err)
				}
			}
		}
		return err
	})
	if err == nil && n.Op == "" {
		err = fmt.Errorf("%q has no op_type", n.Name)
	}
	return n, err
}

func readAttr(b []byte) (string, Attr, error) {
	var name string
	var a Attr
	err := forFields(b, func(f wireField) error {
		var err error
		switch f.num {
		case 1:
			name, err = f.str()
		case 2:
			if f.wire != wireFixed32 {
				return fmt.Errorf("float of wire type %d", f.wire)
			}
			a.F = math.Float32frombits(uint32(f.v))
		case 3:
			a.I, err = f.int()
		case 4:
			a.S, err = f.str()
		case 5:
			var tb []byte
			if tb, err = f.msg(); err == nil {
				_, a.T, err = readTensor(tb)
			}
		case 6, 10, 11:
			return fmt.Errorf("graph and sparse tensor attributes are not supported")
		case 7:
			a.Floats, err = f.floats(a.Floats)
		case 8:
			a.Ints, err = f.ints(a.Ints)
		}
		return err
	})
	return name, a, err
}

func readValueInfo(b []byte) (ValueInfo, error) {
	var v ValueInfo
	err := forFields(b, func(f wireField) error {
		switch f.num {
		case 1:
			s, err := f.str()
			v.Name = s
			return err
		case 2: // TypeProto → tensor_type (1) → elem_type (1), shape (2) → dim (1)
			tb, err := f.msg()
			if err != nil {
				return err
			}
			return forFields(tb, func(f wireField) error {
				if f.num != 1 {
					return nil
				}
				tt, err := f.msg()
				if err != nil {
					return err
				}
				return forFields(tt, func(f wireField) error {
					switch f.num {
					case 1:
						e, err := f.int()
						v.ElemType = int(e)
						return err
					case 2:
						sb, err := f.msg()
						if err != nil {
							return err
						}
						return forFields(sb, func(f wireField) error {
							db, err := f.msg()
							if err != nil || f.num != 1 {
								return err
							}
							size := int64(-1)
							err = forFields(db, func(f wireField) error {
								if f.num == 1 {
									s, err := f.int()
									size = s
									return err
								}
								return nil
							})
							v.Dims = append(v.Dims, size)
							return err
						})
					}
					return nil
				})
			})
		}
		return nil
	})
	return v, err
}

// readTensor decodes a TensorProto into a Tensor (float32 for float and double
// element types, Int for the integer ones).
func readTensor(b []byte) (string, *Tensor, error) {
	var name string
	var dims []int64
	var dtype int64
	var raw []byte
	var floats []float32
	var ints []int64
	var doubles []float64
	external := false
	err := forFields(b, func(f wireField) error {
		var err error
		switch f.num {
		case 1:
			dims, err = f.ints(dims)
		case 2:
			dtype, err = f.int()
		case 4:
			floats, err = f.floats(floats)
		case 5, 7:
			ints, err = f.ints(ints)
		case 8:
			name, err = f.str()
		case 9:
			raw, err = f.msg()
		case 10:
			if f.wire == wireFixed64 {
				doubles = append(doubles, math.Float64frombits(f.v))
			} else if mb, e := f.msg(); e == nil && len(mb)%8 == 0 {
				for i := 0; i < len(mb); i += 8 {
					doubles = append(doubles, math.Float64frombits(binary.LittleEndian.Uint64(mb[i:])))
				}
			} else {
				err = fmt.Errorf("double_data of wire type %d", f.wire)
			}
		case 13:
			external = true
		case 14:
			var loc int64
			loc, err = f.int()
			external = external || loc == 1
		}
		return err
	})
	if err != nil {
		return name, nil, err
	}
	if external {
		return name, nil, fmt.Errorf("external data is not supported (keep the weights inside the .onnx file)")
	}
	t := &Tensor{Shape: make([]int, len(dims))}
	n := int64(1)
	for i, d := range dims {
		if d < 0 || (d > 0 && n > maxTensorElems/d) {
			return name, nil, fmt.Errorf("dims %v", dims)
		}
		t.Shape[i], n = int(d), n*d
	}
	width := map[int64]int{typeFloat: 4, typeDbl: 8, typeInt64: 8, typeInt32: 4, typeBool: 1}[dtype]
	if width == 0 {
		return name, nil, fmt.Errorf("element type %d is not supported (float, double, int32, int64, bool)", dtype)
	}
	if raw != nil {
		if int64(len(raw)) != n*int64(width) {
			return name, nil, fmt.Errorf("dims %v need %d bytes of raw data, the tensor has %d", dims, n*int64(width), len(raw))
		}
		switch dtype {
		case typeFloat:
			t.Float = make([]float32, n)
			for i := range t.Float {
				t.Float[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		case typeDbl:
			t.Float = make([]float32, n)
			for i := range t.Float {
				t.Float[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:])))
			}
		default:
			t.Int = make([]int64, n)
			for i := range t.Int {
				switch width {
				case 8:
					t.Int[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
				case 4:
					t.Int[i] = int64(int32(binary.LittleEndian.Uint32(raw[4*i:])))
				default:
					t.Int[i] = int64(raw[i])
				}
			}
		}
		return name, t, nil
	}
	got := int64(0)
	switch dtype {
	case typeFloat:
		t.Float, got = floats, int64(len(floats))
	case typeDbl:
		t.Float = make([]float32, len(doubles))
		for i, d := range doubles {
			t.Float[i] = float32(d)
		}
		got = int64(len(doubles))
	default:
		t.Int, got = ints, int64(len(ints))
	}
	if got != n {
		return name, nil, fmt.Errorf("dims %v need %d values, the tensor has %d", dims, n, got)
	}
	if t.Float == nil && t.Int == nil {
		if dtype == typeFloat || dtype == typeDbl {
			t.Float = []float32{}
		} else {
			t.Int = []int64{}
		}
	}
	return name, t, nil
}

// checkOrder checks that every node input is a graph input, an initializer or
// the output of an earlier node, and that the graph outputs are produced.
func (g *Graph) checkOrder() error {
	known := map[string]bool{"": true}
	for name := range g.Initializers {
		known[name] = true
	}
	for _, v := range g.Inputs {
		known[v.Name] = true
	}
	for i, n := range g.Nodes {
		for _, in := range n.Inputs {
			if !known[in] {
				return fmt.Errorf("node %d (%s %q) reads %q, which no earlier node, input or initializer gives", i, n.Op, n.Name, in)
			}
		}
		for _, out := range n.Outputs {
			known[out] = true
		}
	}
	for _, v := range g.Outputs {
		if !known[v.Name] {
			return fmt.Errorf("output %q is not computed", v.Name)
		}
	}
	return nil
}

// shapeSize is the product of a shape's sizes.
func shapeSize(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}
