package onnx

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/ml/backend"
)

// Every exported net, read back and run by the Go interpreter, gives im2im's
// own output (max abs difference ≤ 1e-4, relative beyond magnitude 1).
func TestReadAndRunExported(t *testing.T) {
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	for i, tc := range exportCases {
		x, y, w := runNet(t, b, tc.net, tc.in, uint64(i+1))
		data, _, err := Export(tc.net, w, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		m, err := ReadModel(data)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if m.IRVersion != IRVersion || m.Opset != Opset || m.Producer != "im2im" {
			t.Errorf("%s: IR %d opset %d producer %q", tc.name, m.IRVersion, m.Opset, m.Producer)
		}
		start := time.Now()
		got, err := m.Run(&Tensor{Shape: x.Shape().Dimensions, Float: flat(t, x)})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want := flat(t, y)
		if !slices.Equal(got.Shape, y.Shape().Dimensions) {
			t.Fatalf("%s: shape %v, want %v", tc.name, got.Shape, y.Shape().Dimensions)
		}
		diff, scale := 0.0, 0.0
		for j := range want {
			diff = max(diff, math.Abs(float64(got.Float[j]-want[j])))
			scale = max(scale, math.Abs(float64(want[j])))
		}
		t.Logf("%s: %d nodes, max abs difference %.2g (max |output| %.3g), %v", tc.name, len(m.Graph.Nodes), diff, scale, time.Since(start))
		if tol := tolerance(want); diff > tol {
			t.Errorf("%s: max abs difference %g > %g", tc.name, diff, tol)
		}
	}
}

// node builds a one-node model reading "x" (and the given initializers).
func oneNode(op string, inits map[string]*Tensor, inputs []string, attrs ...attribute) []byte {
	g := graphProto{name: "t", nodes: []node{{op: op, name: "n", in: append([]string{"x"}, inputs...), out: []string{"y"}, attrs: attrs}},
		inputs: []valueInfo{{name: "x"}}, output: []valueInfo{{name: "y"}}}
	for _, name := range slices.Sorted(mapsKeys(inits)) {
		t := inits[name]
		tp := tensor{name: name, dims: int64s(t.Shape)}
		if t.Float != nil {
			tp.dtype, tp.raw = typeFloat, floatBytes(t.Float)
		} else {
			tp.dtype = typeInt64
			for _, v := range t.Int {
				tp.raw = appendLE64(tp.raw, uint64(v))
			}
		}
		g.inits = append(g.inits, tp)
	}
	m := model{producer: "test", graph: g}
	return m.marshal()
}

func mapsKeys(m map[string]*Tensor) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func floatBytes(v []float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func appendLE64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

// Single operators against hand-computed results.
func TestOps(t *testing.T) {
	f := func(shape []int, v ...float32) *Tensor { return &Tensor{Shape: shape, Float: v} }
	i64 := func(v ...int64) *Tensor { return &Tensor{Shape: []int{len(v)}, Int: v} }
	row := f([]int{1, 1, 1, 2}, 1, 3)
	cases := []struct {
		name  string
		op    string
		x     *Tensor
		inits map[string]*Tensor
		in    []string
		attrs []attribute
		want  *Tensor
	}{
		{"resize nearest ×2", "Resize", row, map[string]*Tensor{"s": f([]int{4}, 1, 1, 1, 2)}, []string{"", "s"},
			nil, f([]int{1, 1, 1, 4}, 1, 1, 3, 3)},
		{"resize linear ×2 half_pixel", "Resize", row, map[string]*Tensor{"s": f([]int{4}, 1, 1, 1, 2)}, []string{"", "s"},
			nil, f([]int{1, 1, 1, 4}, 1, 1, 1, 1)}, // overwritten below: linear needs the mode string
		{"softmax channels", "Softmax", f([]int{1, 2, 1}, 0, float32(math.Log(3))), nil, nil,
			[]attribute{intAttr("axis", 1)}, f([]int{1, 2, 1}, 0.25, 0.75)},
		{"reshape -1 and 0", "Reshape", f([]int{2, 3}, 1, 2, 3, 4, 5, 6), map[string]*Tensor{"s": i64(0, -1, 1)}, []string{"s"},
			nil, f([]int{2, 3, 1}, 1, 2, 3, 4, 5, 6)},
		{"add per channel", "Add", f([]int{1, 2, 2}, 1, 2, 3, 4), map[string]*Tensor{"b": f([]int{2, 1}, 10, 20)}, []string{"b"},
			nil, f([]int{1, 2, 2}, 11, 12, 23, 24)},
		{"maxpool 2 ceil", "MaxPool", f([]int{1, 1, 3}, 1, 5, 2), nil, nil,
			[]attribute{intsAttr("kernel_shape", []int{2}), intsAttr("strides", []int{2}), intAttr("ceil_mode", 1)}, f([]int{1, 1, 2}, 5, 2)},
		{"conv stride 2 pad 1", "Conv", f([]int{1, 1, 4}, 1, 2, 3, 4), map[string]*Tensor{"w": f([]int{1, 1, 3}, 1, 1, 1)}, []string{"w"},
			[]attribute{intsAttr("strides", []int{2}), intsAttr("pads", []int{1, 1})}, f([]int{1, 1, 2}, 3, 9)},
		{"conv transpose stride 2", "ConvTranspose", f([]int{1, 1, 2}, 1, 2), map[string]*Tensor{"w": f([]int{1, 1, 2}, 1, 10)}, []string{"w"},
			[]attribute{intsAttr("strides", []int{2})}, f([]int{1, 1, 4}, 1, 10, 2, 20)},
	}
	for _, tc := range cases {
		attrs := tc.attrs
		if strings.HasPrefix(tc.name, "resize") {
			mode := "nearest"
			if strings.Contains(tc.name, "linear") {
				mode = "linear"
				tc.want = f([]int{1, 1, 1, 4}, 1, 1.5, 2.5, 3)
			}
			attrs = []attribute{{name: "mode", kind: attrString, s: mode}}
		}
		m, err := ReadModel(oneNode(tc.op, tc.inits, tc.in, attrs...))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := m.Run(tc.x)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(got.Shape, tc.want.Shape) {
			t.Fatalf("%s: shape %v, want %v", tc.name, got.Shape, tc.want.Shape)
		}
		for i := range tc.want.Float {
			if math.Abs(float64(got.Float[i]-tc.want.Float[i])) > 1e-6 {
				t.Errorf("%s: %v, want %v", tc.name, got.Float, tc.want.Float)
				break
			}
		}
	}
}

// Models the reader or interpreter refuses name the problem.
func TestReadErrors(t *testing.T) {
	good := oneNode("Relu", nil, nil)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "has no graph"},
		{"truncated", good[:len(good)-3], "truncated"},
		{"unknown op", oneNode("Einsum", nil, nil), "is Einsum, which im2im cannot run"},
		{"missing input", oneNode("Add", nil, []string{"nope"}), `reads "nope"`},
		{"bad raw size", func() []byte {
			m := model{graph: graphProto{inits: []tensor{{name: "w", dims: []int64{4}, dtype: typeFloat, raw: []byte{1, 2}}}}}
			return m.marshal()
		}(), "need 16 bytes of raw data"},
	}
	for _, tc := range cases {
		m, err := ReadModel(tc.data)
		if err == nil {
			err = m.Check()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

// ReadModel never panics, and what it accepts, Check judges without panicking.
func FuzzReadModel(f *testing.F) {
	f.Add(oneNode("Relu", nil, nil))
	f.Add(oneNode("Conv", map[string]*Tensor{"w": {Shape: []int{1, 1, 3}, Float: []float32{1, 2, 3}}}, []string{"w"},
		intsAttr("pads", []int{1, 1})))
	f.Add(oneNode("Reshape", map[string]*Tensor{"s": {Shape: []int{2}, Int: []int64{-1, 2}}}, []string{"s"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadModel(data)
		if err != nil {
			return
		}
		_ = m.Check()
		for _, init := range m.Graph.Initializers {
			if init.Len() != max(len(init.Float), len(init.Int)) {
				t.Fatalf("initializer of shape %v holds %d floats and %d ints", init.Shape, len(init.Float), len(init.Int))
			}
		}
	})
}
