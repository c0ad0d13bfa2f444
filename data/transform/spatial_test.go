package transform

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/array"
)

func TestPad(t *testing.T) {
	s := ramp(1, 2, 3) // [[0 1 2] [3 4 5]]
	c := apply1(t, mustNew(t, "pad", map[string]any{"size": []any{4, 4}, "value": -1}), s.Clone(), 0)
	want := []float32{
		-1, -1, -1, -1,
		0, 1, 2, -1,
		3, 4, 5, -1,
		-1, -1, -1, -1,
	}
	if got := c.Arrays["IM"]; !slices.Equal(got.Shape, []int{1, 4, 4}) || !slices.Equal(got.Data, want) {
		t.Errorf("constant pad: %v %v", got.Shape, got.Data)
	}
	r := apply1(t, mustNew(t, "pad", map[string]any{"size": []any{2, 7}, "mode": "reflect"}), s.Clone(), 0)
	wantR := []float32{2, 1, 0, 1, 2, 1, 0, 5, 4, 3, 4, 5, 4, 3}
	if got := r.Arrays["GT"]; !slices.Equal(got.Data, wantR) {
		t.Errorf("reflect pad: %v want %v", got.Data, wantR)
	}
	d := apply1(t, mustNew(t, "divisible_pad", map[string]any{"k": 4}), ramp(2, 5, 8, 9), 0)
	for k, a := range d.Arrays {
		if !slices.Equal(a.Shape, []int{2, 8, 8, 12}) {
			t.Errorf("divisible_pad %s shape %v", k, a.Shape)
		}
	}
	if _, err := mustNew(t, "pad", map[string]any{"size": []any{4, 4, 4}}).Apply(s.Clone(), nil); err == nil || !strings.Contains(err.Error(), "2D") {
		t.Errorf("3D pad on 2D sample: %v", err)
	}
}

func TestCrops(t *testing.T) {
	s := ramp(1, 6, 6)
	c := apply1(t, mustNew(t, "center_crop", map[string]any{"size": []any{2, 3}}), s.Clone(), 0)
	if got := c.Arrays["IM"].Data; !slices.Equal(got, []float32{13, 14, 15, 19, 20, 21}) {
		t.Errorf("center crop: %v", got)
	}
	fg := array.NewSample("f")
	fg.Arrays["IM"] = array.New(1, 8, 8)
	gt := array.New(1, 8, 8)
	gt.Data[2*8+3], gt.Data[4*8+5] = 1, 2
	fg.Arrays["GT"] = gt
	f := apply1(t, mustNew(t, "foreground_crop", map[string]any{"margin": 1}), fg, 0)
	if sh := f.Arrays["IM"].Shape; !slices.Equal(sh, []int{1, 5, 5}) {
		t.Errorf("foreground crop shape %v, want [1 5 5]", sh)
	}
	if f.Arrays["GT"].Data[1*5+1] != 1 || f.Arrays["GT"].Data[3*5+3] != 2 {
		t.Errorf("foreground crop misplaced: %v", f.Arrays["GT"].Data)
	}
}

func TestRandCropSamples(t *testing.T) {
	for _, shape := range [][]int{{1, 20, 30}, {2, 9, 20, 16}} {
		sp := shape[1:]
		size := make([]int, len(sp))
		for i := range sp {
			size[i] = sp[i] / 2
		}
		tr := &RandCropSamples{Size: size, N: 5, LabelKey: "GT"}
		if err := Check(tr); err != nil {
			t.Fatal(err)
		}
		s := ramp(shape...)
		out, err := tr.Apply(s, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 5 {
			t.Fatalf("%d patches, want 5", len(out))
		}
		starts := map[float32]bool{}
		for _, p := range out {
			im, gt := p.Arrays["IM"], p.Arrays["GT"]
			if !slices.Equal(im.Shape, append([]int{shape[0]}, size...)) || !slices.Equal(im.Data, gt.Data) {
				t.Fatalf("patch shape %v or IM/GT misaligned", im.Shape)
			}
			// The patch must be a contiguous box of the ramp: check the first
			// row steps by 1 and the corner is a valid position.
			if im.Data[1]-im.Data[0] != 1 {
				t.Errorf("patch row not contiguous: %v", im.Data[:3])
			}
			starts[im.Data[0]] = true
		}
		if len(starts) < 2 {
			t.Errorf("5 random patches all at one position")
		}
	}
	// Foreground bias: with pos_fraction 1 every patch sees foreground.
	s := array.NewSample("fg")
	s.Arrays["IM"] = array.New(1, 64, 64)
	gt := array.New(1, 64, 64)
	gt.Data[50*64+7] = 1
	s.Arrays["GT"] = gt
	tr := &RandCropSamples{Size: []int{8, 8}, N: 20, PosFraction: 1, LabelKey: "GT"}
	out, err := tr.Apply(s, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out {
		if _, hi := p.Arrays["GT"].MinMax(); hi != 1 {
			t.Fatal("foreground-biased patch without foreground")
		}
	}
	_, err = (&RandCropSamples{Size: []int{80, 8}, N: 1}).Apply(s, rand.New(rand.NewPCG(1, 1)))
	if err == nil || !strings.Contains(err.Error(), "pad first") {
		t.Errorf("oversized crop: %v", err)
	}
}

func TestFlipRot90(t *testing.T) {
	s := ramp(1, 2, 3) // [[0 1 2] [3 4 5]]
	f := apply1(t, &RandFlip{Prob: 1, Axes: []int{1}}, s.Clone(), 0)
	if got := f.Arrays["IM"].Data; !slices.Equal(got, []float32{2, 1, 0, 5, 4, 3}) || !slices.Equal(got, f.Arrays["GT"].Data) {
		t.Errorf("flip x: %v", got)
	}
	f2 := apply1(t, &RandFlip{Prob: 1}, s.Clone(), 0)
	if got := f2.Arrays["IM"].Data; !slices.Equal(got, []float32{5, 4, 3, 2, 1, 0}) {
		t.Errorf("flip all: %v", got)
	}
	if got := rot90(s.Arrays["IM"], 1); !slices.Equal(got.Shape, []int{1, 3, 2}) || !slices.Equal(got.Data, []float32{2, 5, 1, 4, 0, 3}) {
		t.Errorf("rot90 k=1: %v %v", got.Shape, got.Data)
	}
	v := ramp(2, 3, 4, 5).Arrays["IM"]
	w := v
	for i := 0; i < 4; i++ {
		w = rot90(w, 1)
	}
	if !slices.Equal(w.Data, v.Data) || !slices.Equal(w.Shape, v.Shape) {
		t.Error("four quarter turns are not the identity")
	}
	if !slices.Equal(rot90(rot90(v, 1), 1).Data, rot90(v, 2).Data) || !slices.Equal(rot90(v, 3).Data, rot90(rot90(v, 2), 1).Data) {
		t.Error("rot90 k=2/k=3 disagree with repeated k=1")
	}
	r := apply1(t, &RandRot90{Prob: 1, MaxK: 3}, ramp(1, 4, 6), 9)
	if !slices.Equal(r.Arrays["IM"].Data, r.Arrays["GT"].Data) {
		t.Error("rot90 misaligned IM and GT")
	}
	if _, err := (&RandFlip{Prob: 1, Axes: []int{2}}).Apply(s.Clone(), rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("flip along axis 2 of a 2D sample accepted")
	}
}

func TestRandElastic(t *testing.T) {
	for _, shape := range [][]int{{1, 48, 48}, {1, 12, 24, 24}} {
		s := array.NewSample("e")
		nu := array.New(shape...)
		lab := array.New(shape...)
		per := nu.Len()
		for i := 0; i < per; i++ {
			// Stripes of labels 0..3 and a smooth ramp image.
			x := i % shape[len(shape)-1]
			lab.Data[i] = float32((x / 6) % 4)
			nu.Data[i] = float32(x)
		}
		s.Arrays["IM"], s.Arrays["GT"] = nu, lab
		orig := s.Clone()
		e := apply1(t, &RandElastic{Prob: 1, Sigma: 4, Magnitude: 2, LabelKeys: []string{"GT"}}, s, 4)
		changed := 0
		var sumDiff float64
		for i, v := range e.Arrays["GT"].Data {
			if v != float32(int(v)) || v < 0 || v > 3 {
				t.Fatalf("%v: label became %v", shape, v)
			}
			if v != orig.Arrays["GT"].Data[i] {
				changed++
			}
			d := float64(e.Arrays["IM"].Data[i] - orig.Arrays["IM"].Data[i])
			sumDiff += d * d
		}
		if changed == 0 {
			t.Errorf("%v: elastic deformation left the labels unchanged", shape)
		}
		// Displacement RMS ≈ Magnitude along x: the ramp's value moves by it.
		rms := math.Sqrt(sumDiff / float64(per))
		if rms < 0.5 || rms > 4 {
			t.Errorf("%v: ramp moved by RMS %.2f, want about 2", shape, rms)
		}
		// Image and labels move together: label stripes still follow the ramp.
		agree := 0
		for i, v := range e.Arrays["IM"].Data {
			if float32((int(math.Round(float64(v)))/6)%4) == e.Arrays["GT"].Data[i] {
				agree++
			}
		}
		if frac := float64(agree) / float64(per); frac < 0.85 {
			t.Errorf("%v: only %.2f of voxels keep image/label agreement", shape, frac)
		}
	}
}

func TestIntensityAugment(t *testing.T) {
	base := array.NewSample("i")
	im := array.New(1, 32, 32)
	for i := range im.Data {
		im.Data[i] = float32(i % 97)
	}
	base.Arrays["IM"] = im
	gt := array.New(1, 32, 32)
	gt.Fill(1)
	base.Arrays["GT"] = gt
	monotone := func(name string, a, b *array.Array) {
		lo0, hi0 := a.MinMax()
		lo1, hi1 := b.MinMax()
		if math.Abs(float64(lo0-lo1)) > 1e-3 || math.Abs(float64(hi0-hi1)) > 1e-3 {
			t.Errorf("%s changed the range %v..%v → %v..%v", name, lo0, hi0, lo1, hi1)
		}
		for i := range a.Data {
			for j := range a.Data[:97] {
				if a.Data[i] < a.Data[j] && b.Data[i] > b.Data[j]+1e-4 {
					t.Fatalf("%s is not monotone", name)
				}
			}
		}
	}
	changedIM := func(name string, out *array.Sample) {
		if slices.Equal(out.Arrays["IM"].Data, base.Arrays["IM"].Data) {
			t.Errorf("%s left IM unchanged", name)
		}
		if !slices.Equal(out.Arrays["GT"].Data, gt.Data) {
			t.Errorf("%s touched GT", name)
		}
	}
	h := apply1(t, &RandHistogramShift{Keys: []string{"IM"}, Prob: 1, Points: 8}, base.Clone(), 1)
	changedIM("histogram shift", h)
	monotone("histogram shift", base.Arrays["IM"], h.Arrays["IM"])
	g := apply1(t, &RandGamma{Keys: []string{"IM"}, Prob: 1, Min: 2, Max: 3}, base.Clone(), 1)
	changedIM("gamma", g)
	monotone("gamma", base.Arrays["IM"], g.Arrays["IM"])
	if g.Arrays["IM"].Data[48] >= 48 { // gamma > 1 lowers the mid-range
		t.Errorf("gamma>1 raised mid value: %v", g.Arrays["IM"].Data[48])
	}
	g2 := apply1(t, &RandGamma{Keys: []string{"IM"}, Prob: 1, Min: 2, Max: 2}, base.Clone(), 1)
	for i, v := range im.Data {
		want := math.Pow(float64(v)/96, 2) * 96
		if math.Abs(float64(g2.Arrays["IM"].Data[i])-want) > 1e-3 {
			t.Fatalf("gamma 2 of %v = %v, want %v", v, g2.Arrays["IM"].Data[i], want)
		}
	}
	n := apply1(t, &RandGaussianNoise{Keys: []string{"IM"}, Prob: 1, Std: 0.5}, base.Clone(), 1)
	changedIM("noise", n)
	var ss float64
	for i, v := range n.Arrays["IM"].Data {
		d := float64(v - im.Data[i])
		ss += d * d
	}
	if std := math.Sqrt(ss / float64(im.Len())); math.Abs(std-0.5) > 0.05 {
		t.Errorf("noise std %.3f want 0.5", std)
	}
	b := apply1(t, &RandGaussianBlur{Keys: []string{"IM"}, Prob: 1, Min: 1, Max: 2}, base.Clone(), 1)
	changedIM("blur", b)
	skip := apply1(t, &RandGaussianNoise{Keys: []string{"IM"}, Prob: 0, Std: 1}, base.Clone(), 1)
	if !slices.Equal(skip.Arrays["IM"].Data, im.Data) {
		t.Error("prob 0 still changed the image")
	}
}
