package onnx

// The subset of onnx.proto (ModelProto and what it holds) the exporter writes,
// with the field numbers of the ONNX specification.

// ONNX tensor element types (TensorProto.DataType).
const (
	typeFloat = 1
	typeInt64 = 7
)

// ONNX attribute types (AttributeProto.AttributeType).
const (
	attrFloat  = 1
	attrInt    = 2
	attrString = 3
	attrInts   = 7
)

// Versions the exporter writes: IR version 8 with the default domain at opset 17
// (readable by onnx 1.12, Debian's python3-onnx, and every current runtime).
const (
	IRVersion = 8
	Opset     = 17
)

type model struct {
	producer, producerVersion, doc string
	graph                          graphProto
}

type graphProto struct {
	name           string
	nodes          []node
	inits          []tensor
	inputs, output []valueInfo
}

type node struct {
	op, name string
	in, out  []string
	attrs    []attribute
}

type attribute struct {
	name string
	kind int
	f    float32
	i    int64
	s    string
	ints []int64
}

type tensor struct {
	name  string
	dims  []int64
	dtype int
	raw   []byte // little-endian values
}

// dim is one axis of a value's shape: a fixed size, or a symbolic name.
type dim struct {
	size  int64
	param string
}

type valueInfo struct {
	name string
	dims []dim
}

func (m *model) marshal() []byte {
	var b []byte
	b = appendInt(b, 1, IRVersion)
	b = appendString(b, 2, m.producer)
	b = appendString(b, 3, m.producerVersion)
	if m.doc != "" {
		b = appendString(b, 6, m.doc)
	}
	b = appendBytes(b, 7, m.graph.marshal())
	var opset []byte
	opset = appendString(opset, 1, "")
	opset = appendInt(opset, 2, Opset)
	return appendBytes(b, 8, opset)
}

func (g *graphProto) marshal() []byte {
	var b []byte
	for i := range g.nodes {
		b = appendBytes(b, 1, g.nodes[i].marshal())
	}
	b = appendString(b, 2, g.name)
	for i := range g.inits {
		b = appendBytes(b, 5, g.inits[i].marshal())
	}
	for i := range g.inputs {
		b = appendBytes(b, 11, g.inputs[i].marshal())
	}
	for i := range g.output {
		b = appendBytes(b, 12, g.output[i].marshal())
	}
	return b
}

func (n *node) marshal() []byte {
	var b []byte
	for _, s := range n.in {
		b = appendString(b, 1, s)
	}
	for _, s := range n.out {
		b = appendString(b, 2, s)
	}
	b = appendString(b, 3, n.name)
	b = appendString(b, 4, n.op)
	for i := range n.attrs {
		b = appendBytes(b, 5, n.attrs[i].marshal())
	}
	return b
}

func (a *attribute) marshal() []byte {
	var b []byte
	b = appendString(b, 1, a.name)
	switch a.kind {
	case attrFloat:
		b = appendFloat(b, 2, a.f)
	case attrInt:
		b = appendInt(b, 3, a.i)
	case attrString:
		b = appendString(b, 4, a.s)
	case attrInts:
		for _, v := range a.ints {
			b = appendInt(b, 8, v)
		}
	}
	return appendInt(b, 20, int64(a.kind))
}

func (t *tensor) marshal() []byte {
	var b []byte
	for _, d := range t.dims {
		b = appendInt(b, 1, d)
	}
	b = appendInt(b, 2, int64(t.dtype))
	b = appendString(b, 8, t.name)
	return appendBytes(b, 9, t.raw)
}

func (v *valueInfo) marshal() []byte {
	var shape []byte
	for _, d := range v.dims {
		var db []byte
		if d.param != "" {
			db = appendString(db, 2, d.param)
		} else {
			db = appendInt(db, 1, d.size)
		}
		shape = appendBytes(shape, 1, db)
	}
	var tt []byte
	tt = appendInt(tt, 1, typeFloat)
	tt = appendBytes(tt, 2, shape)
	var typ []byte
	typ = appendBytes(typ, 1, tt)
	var b []byte
	b = appendString(b, 1, v.name)
	return appendBytes(b, 2, typ)
}
