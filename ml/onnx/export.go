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

// Export writes net (nets.UNet, nets.AttentionUNet, nets.DynUNet,
// nets.ResNetGenerator or nets.BranchedERFNet; values or pointers) with the given weights as an ONNX model. The model maps input
// [batch, InChannels, spatial...] to the net's logits [batch, OutChannels,
// spatial...] as its inference graph computes them.
func Export(net any, w Weights, opt Options) ([]byte, Info, error) {
	if w == nil {
		return nil, Info{}, errors.New("onnx: no weights")
	}
	b := newBuilder(w, opt.Scope)
	info, err := walk(net, b)
	if err != nil {
		return nil, Info{}, err
	}
	m := model{producer: opt.Producer, producerVersion: opt.ProducerVersion, doc: opt.Doc, graph: b.g}
	if m.producer == "" {
		m.producer = "im2im"
	}
	return m.marshal(), info, nil
}

// exportable is a net the exporter knows: its validation, the graph name it
// exports as, its input size rule, and the walk of its inference graph from
// the input value to the output value.
type exportable struct {
	valid    error
	name     string
	dims     int
	out      int
	divisors []int
	build    func(b *builder) (in, out val)
}

// exportableOf resolves net (a value or a pointer) to its exporter.
func exportableOf(net any) (exportable, error) {
	switch n := deref(net).(type) {
	case nets.UNet:
		return unetExportable(nets.Config(n), kindUNet, n.Validate(), n.AxisDivisors()), nil
	case nets.AttentionUNet:
		return unetExportable(nets.Config(n), kindAttention, n.Validate(), n.AxisDivisors()), nil
	case nets.DynUNet:
		c := nets.Config(n)
		if c.NumResUnits == 0 {
			c.NumResUnits = 2
		}
		return unetExportable(c, kindDyn, n.Validate(), n.AxisDivisors()), nil
	case nets.ResNetGenerator:
		return resnetExportable(n), nil
	case nets.BranchedERFNet:
		return erfnetExportable(n), nil
	}
	return exportable{}, fmt.Errorf("onnx: net %T has no ONNX export (only nets.UNet, nets.AttentionUNet, nets.DynUNet, nets.ResNetGenerator and nets.BranchedERFNet)", net)
}

// unetExportable is the exporter of one of ml/nets' U-Nets.
func unetExportable(c nets.Config, kind unetKind, valid error, divisors []int) exportable {
	return exportable{valid: valid, name: kindName(kind), dims: c.Dims, out: c.OutChannels, divisors: divisors,
		build: func(b *builder) (val, val) {
			u := &walker{b: b, c: c, kind: kind}
			in := val{InputName, u.inChannels()}
			return in, u.build(in)
		}}
}

// walk builds net's graph into b (nodes, initializers, inputs and outputs).
func walk(net any, b *builder) (Info, error) {
	e, err := exportableOf(net)
	if err != nil {
		return Info{}, err
	}
	if e.valid != nil {
		return Info{}, fmt.Errorf("onnx: invalid net: %w", e.valid)
	}
	info := Info{OutChannels: e.out, Dims: e.dims, AxisDivisors: e.divisors, Ops: map[string]int{}}
	err = catch(func() {
		in, out := e.build(b)
		info.InChannels = in.ch
		last := &b.g.nodes[len(b.g.nodes)-1]
		if out.name != last.name {
			fail("onnx: internal: the output is not the last node")
		}
		last.out[0] = OutputName
	})
	if err != nil {
		return Info{}, err
	}
	for _, n := range b.g.nodes {
		info.Ops[n.op]++
	}
	spatial := []string{"y", "x"}
	if e.dims == 3 {
		spatial = []string{"z", "y", "x"}
	}
	io := func(name string, ch int) valueInfo {
		v := valueInfo{name: name, dims: []dim{{param: "batch"}, {size: int64(ch)}}}
		for _, s := range spatial {
			v.dims = append(v.dims, dim{param: s})
		}
		return v
	}
	b.g.name = "im2im_" + e.name
	b.g.inputs = []valueInfo{io(InputName, info.InChannels)}
	b.g.output = []valueInfo{io(OutputName, e.out)}
	return info, nil
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
	case *nets.ResNetGenerator:
		if n != nil {
			return *n
		}
	case *nets.BranchedERFNet:
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
