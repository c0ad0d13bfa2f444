package transform

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/array"
)

// ramp returns a sample whose IM and GT both hold the linear index, so spatial
// transforms can be checked for alignment (IM must stay equal to GT).
func ramp(shape ...int) *array.Sample {
	s := array.NewSample("ramp")
	a := array.New(shape...)
	for i := range a.Data {
		a.Data[i] = float32(i)
	}
	s.Arrays["IM"] = a
	s.Arrays["GT"] = a.Clone()
	return s
}

func mustNew(t *testing.T, name string, params map[string]any) Transform {
	t.Helper()
	tr, err := New(name, params)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func apply1(t *testing.T, tr Transform, s *array.Sample, seed uint64) *array.Sample {
	t.Helper()
	out, err := tr.Apply(s, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("%s gave %d samples", tr.Name(), len(out))
	}
	return out[0]
}

func TestNewParams(t *testing.T) {
	tr := mustNew(t, "rand_flip", map[string]any{"prob": 0.25, "spatial_axis": []any{1.0}})
	f := tr.(*RandFlip)
	if f.Prob != 0.25 || !slices.Equal(f.Axes, []int{1}) {
		t.Errorf("got %+v", f)
	}
	c := mustNew(t, "rand_crop_samples", map[string]any{"size": "32,128,128", "num_samples": 4})
	if rc := c.(*RandCropSamples); !slices.Equal(rc.Size, []int{32, 128, 128}) || rc.N != 4 || rc.LabelKey != "GT" {
		t.Errorf("got %+v", rc)
	}
	for _, tc := range []struct {
		name   string
		params map[string]any
		want   []string
	}{
		{"nope", nil, []string{`"nope": unknown`, "rand_flip"}},
		{"rand_flip", map[string]any{"prob": "x", "axes": 1}, []string{`"prob": want a number, got "x"`, `unknown parameter "axes"`}},
		{"rand_flip", map[string]any{"prob": 1.5}, []string{"prob 1.5"}},
		{"pad", map[string]any{"size": []any{1, 2, 3, 4}}, []string{"size [1 2 3 4]"}},
		{"rand_crop_samples", map[string]any{"size": []any{8, 8}, "num_samples": 2.5}, []string{"want an integer, got 2.5"}},
		{"normalize_percentile", map[string]any{"lower": 99, "upper": 1}, []string{"lower=99 upper=1"}},
		{"as_label", map[string]any{"binary": "yes"}, []string{"want true or false"}},
	} {
		_, err := New(tc.name, tc.params)
		if err == nil {
			t.Errorf("%s %v: no error", tc.name, tc.params)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s %v: error %q lacks %q", tc.name, tc.params, err, w)
			}
		}
	}
	// Every registered transform builds with its defaults and round-trips its params.
	for _, n := range Names() {
		tr, err := New(n, nil)
		if n == "pad" || n == "center_crop" || n == "rand_crop_samples" || n == "scale_range" {
			if err == nil {
				t.Errorf("%s without its required parameters accepted", n)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s defaults: %v", n, err)
			continue
		}
		b, _ := json.Marshal(Params(tr))
		var m map[string]any
		json.Unmarshal(b, &m)
		tr2, err := New(n, m)
		if err != nil || Chain([]Transform{tr}).Fingerprint() != Chain([]Transform{tr2}).Fingerprint() {
			t.Errorf("%s params do not round-trip through JSON: %v", n, err)
		}
	}
}

func TestChainSplitFingerprint(t *testing.T) {
	specs := []Spec{
		{Name: "normalize_percentile", Params: map[string]any{"lower": 1, "upper": 99}},
		{Name: "rand_crop_samples", Params: map[string]any{"size": []any{4, 4}, "num_samples": 3}},
		{Name: "normalize_zscore"},
		{Name: "rand_flip"},
	}
	c, err := FromSpecs(specs)
	if err != nil {
		t.Fatal(err)
	}
	det, rest := c.Split()
	if len(det) != 1 || len(rest) != 3 || det[0].Name() != "normalize_percentile" {
		t.Errorf("Split = %d + %d", len(det), len(rest))
	}
	specs[0].Params["upper"] = 99.5
	c2, _ := FromSpecs(specs)
	if c.Fingerprint() == c2.Fingerprint() {
		t.Error("fingerprint unchanged by a parameter change")
	}
	c3, _ := FromSpecs([]Spec{specs[1], specs[0], specs[2], specs[3]})
	if c2.Fingerprint() == c3.Fingerprint() {
		t.Error("fingerprint unchanged by reordering")
	}
	if _, err := FromSpecs([]Spec{{Name: "a"}, {Name: "rand_flip"}, {Name: "b"}}); err == nil ||
		!strings.Contains(err.Error(), "[0]") || !strings.Contains(err.Error(), "[2]") {
		t.Errorf("FromSpecs should list every bad spec: %v", err)
	}
	// A chain with a crop fans out and is reproducible from the seed.
	run := func(seed uint64) []*array.Sample {
		out, err := c.Apply(ramp(1, 10, 12), rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b, d := run(7), run(7), run(8)
	if len(a) != 3 {
		t.Fatalf("chain gave %d samples, want 3", len(a))
	}
	same := func(x, y []*array.Sample) bool {
		for i := range x {
			if !slices.Equal(x[i].Arrays["IM"].Data, y[i].Arrays["IM"].Data) {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("same seed, different output")
	}
	if same(a, d) {
		t.Error("different seeds, same output")
	}
}

func TestNormalize(t *testing.T) {
	s := array.NewSample("n")
	im := array.New(2, 101)
	for i := 0; i < 101; i++ {
		im.Data[i] = float32(i)            // channel 0: 0..100
		im.Data[101+i] = float32(3*i + 50) // channel 1: 50..350
	}
	s.Arrays["IM"] = im
	gt := array.New(1, 101)
	gt.Fill(255)
	s.Arrays["GT"] = gt

	z := apply1(t, mustNew(t, "normalize_zscore", nil), s.Clone(), 0)
	for c := 0; c < 2; c++ {
		ch := z.Arrays["IM"].Data[c*101 : (c+1)*101]
		var m, v float64
		for _, x := range ch {
			m += float64(x)
		}
		m /= 101
		for _, x := range ch {
			v += (float64(x) - m) * (float64(x) - m)
		}
		if math.Abs(m) > 1e-5 || math.Abs(v/101-1) > 1e-4 {
			t.Errorf("zscore channel %d: mean %v var %v", c, m, v/101)
		}
	}
	if z.Arrays["GT"].Data[0] != 255 {
		t.Error("zscore touched GT")
	}
	p := apply1(t, mustNew(t, "normalize_percentile", map[string]any{"lower": 10, "upper": 90, "clip": true}), s.Clone(), 0)
	d := p.Arrays["IM"].Data
	for _, tc := range []struct {
		i    int
		want float32
	}{{10, 0}, {90, 1}, {50, 0.5}, {0, 0}, {100, 1}, {101 + 10, 0}, {101 + 50, 0.5}} {
		if math.Abs(float64(d[tc.i]-tc.want)) > 1e-5 {
			t.Errorf("percentile[%d] = %v want %v", tc.i, d[tc.i], tc.want)
		}
	}
	mm := apply1(t, mustNew(t, "normalize_minmax", map[string]any{"b_min": -1, "b_max": 1}), s.Clone(), 0)
	if lo, hi := mm.Arrays["IM"].MinMax(); lo != -1 || hi != 1 {
		t.Errorf("minmax range %v..%v", lo, hi)
	}
	sr := apply1(t, mustNew(t, "scale_range", map[string]any{"a_min": 0, "a_max": 200, "clip": true}), s.Clone(), 0)
	if v := sr.Arrays["IM"].Data[100]; v != 0.5 {
		t.Errorf("scale_range 100/200 = %v", v)
	}
	if v := sr.Arrays["IM"].Data[201]; v != 1 {
		t.Errorf("scale_range clip 350 = %v", v)
	}
	cl := apply1(t, mustNew(t, "clip", map[string]any{"min": 5, "max": 7}), s.Clone(), 0)
	if lo, hi := cl.Arrays["IM"].MinMax(); lo != 5 || hi != 7 {
		t.Errorf("clip range %v..%v", lo, hi)
	}
	lab := array.NewSample("l")
	lab.Arrays["GT"], _ = array.FromData([]float32{0, 0.4, 0.6, 2.5, 255}, 1, 5)
	r := apply1(t, mustNew(t, "as_label", nil), lab.Clone(), 0)
	if !slices.Equal(r.Arrays["GT"].Data, []float32{0, 0, 1, 2, 255}) {
		t.Errorf("as_label round: %v", r.Arrays["GT"].Data)
	}
	b := apply1(t, mustNew(t, "as_label", map[string]any{"binary": true}), lab.Clone(), 0)
	if !slices.Equal(b.Arrays["GT"].Data, []float32{0, 1, 1, 1, 1}) {
		t.Errorf("as_label binary: %v", b.Arrays["GT"].Data)
	}
	if _, err := mustNew(t, "normalize_zscore", map[string]any{"keys": "XX"}).Apply(s.Clone(), nil); err == nil || !strings.Contains(err.Error(), `"XX"`) {
		t.Errorf("missing key: %v", err)
	}
}
