package onnx

import (
	"errors"
	"fmt"

	"github.com/im2im/im2im/ml/nets"
)

// Names of the exported model's input and output.
const (
	InputName  = "input"
	OutputName = "output"
)

// Options tunes an export; the zero value is the usual one.
type Options struct {
	// Scope is the scope of the net's variables ("" or "/": the root, where FCN
	// runs keep them).
	Scope string
	// Producer and ProducerVersion name the program that wrote the model [im2im, ""].
	Producer, ProducerVersion string
	// Doc is the model's doc string.
	Doc string
}

// Info describes an exported model.
type Info struct {
	// InChannels and OutChannels of the input and output tensors; Dims is 2 or 3.
	InChannels, OutChannels, Dims int
	// AxisDivisors: each spatial size of the input must be a multiple of these.
	AxisDivisors []int
	// Ops counts the ONNX nodes by operator.
	Ops map[string]int
}

// Export writes net (nets.UNet, nets.AttentionUNet or nets.DynUNet; values or
// pointers) with the given weights as an ONNX model. The model maps input
// [batch, InChannels, spatial...] to the net's logits [batch, OutChannels,
// spatial...] as its inference graph computes them.
func Export(net any, w Weights, opt Options) ([]byte, Info, error) {
	var c nets.Config
	var kind unetKind
	var valid error
	switch n := deref(net).(type) {
	case nets.UNet:
		c, kind, valid = nets.Config(n), kindUNet, n.Validate()
	case nets.AttentionUNet:
		c, kind, valid = nets.Config(n), kindAttention, n.Validate()
	case nets.DynUNet:
		c, kind, valid = nets.Config(n), kindDyn, n.Validate()
		if c.NumResUnits == 0 {
			c.NumResUnits = 2
		}
	default:
		return nil, Info{}, fmt.Errorf("onnx: net %T has no ONNX export (only nets.UNet, nets.AttentionUNet and nets.DynUNet)", net)
	}
	if valid != nil {
		return nil, Info{}, fmt.Errorf("onnx: invalid net: %w", valid)
	}
	if w == nil {
		return nil, Info{}, errors.New("onnx: no weights")
	}
	b := newBuilder(w, opt.Scope)
	u := &walker{b: b, c: c, kind: kind}
	info := Info{OutChannels: c.OutChannels, Dims: c.Dims, Ops: map[string]int{}}
	err := catch(func() {
		info.InChannels = u.inChannels()
		out := u.build(val{InputName, info.InChannels})
		b.g.nodes[len(b.g.nodes)-1].out[0] = OutputName // the head's conv is the last node
		if out.name != b.g.nodes[len(b.g.nodes)-1].name {
			fail("onnx: internal: the output is not the last node")
		}
	})
	if err != nil {
		return nil, Info{}, err
	}
	switch n := deref(net).(type) {
	case nets.UNet:
		info.AxisDivisors = n.AxisDivisors()
	case nets.AttentionUNet:
		info.AxisDivisors = n.AxisDivisors()
	case nets.DynUNet:
		info.AxisDivisors = n.AxisDivisors()
	}
	for _, n := range b.g.nodes {
		info.Ops[n.op]++
	}
	spatial := []string{"y", "x"}
	if c.Dims == 3 {
		spatial = []string{"z", "y", "x"}
	}
	io := func(name string, ch int) valueInfo {
		v := valueInfo{name: name, dims: []dim{{param: "batch"}, {size: int64(ch)}}}
		for _, s := range spatial {
			v.dims = append(v.dims, dim{param: s})
		}
		return v
	}
	b.g.name = "im2im_" + kindName(kind)
	b.g.inputs = []valueInfo{io(InputName, info.InChannels)}
	b.g.output = []valueInfo{io(OutputName, c.OutChannels)}
	m := model{producer: opt.Producer, producerVersion: opt.ProducerVersion, doc: opt.Doc, graph: b.g}
	if m.producer == "" {
		m.producer = "im2im"
	}
	return m.marshal(), info, nil
}

func kindName(k unetKind) string {
	return [...]string{"unet", "attention_unet", "dyn_unet"}[k]
}

// deref turns pointers to the nets into values.
func deref(net any) any {
	switch n := net.(type) {
	case *nets.UNet:
		if n != nil {
			return *n
		}
	case *nets.AttentionUNet:
		if n != nil {
			return *n
		}
	case *nets.DynUNet:
		if n != nil {
			return *n
		}
	}
	return net
}

// catch runs f and returns the error it stopped with (fail), re-panicking others.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exportError)
			if !ok {
				panic(r)
			}
			err = e.err
		}
	}()
	f()
	return nil
}
