package plot

import (
	"strings"
	"testing"
)

func TestCurvesRender(t *testing.T) {
	f := Charts(
		Chart{Title: "loss", LogY: true, Curves: []Curve{{Name: "train", Y: []float64{1, 0.5, 0.25, 0.2}}, {Name: "val", X: []float64{2, 4}, Y: []float64{0.6, 0.3}}}},
		Chart{Title: "dice", Curves: []Curve{{Name: "dice", Y: []float64{0.4}}}},
	)
	img, err := f.Image()
	if err != nil {
		t.Fatal(err)
	}
	// Two charts of 3.6 × 2.6 inches at gonum's default 96 dpi, each with its legend.
	if b := img.Bounds(); b.Dx() < 691 || b.Dx() > 900 || b.Dy() != 250 {
		t.Errorf("image %v", b)
	}
	if f := Curves("bad", Curve{Name: "x", X: []float64{1}, Y: []float64{1, 2}}); f.Err() == nil || !strings.Contains(f.Err().Error(), `curve "x" has 1 x and 2 y values`) {
		t.Errorf("mismatched curve: %v", f.Err())
	}
	// A log axis whose points share one value below 1 (the first redraw of an MSE loss
	// curve) renders: gonum would widen it by ±1, through zero.
	for _, ys := range [][]float64{{0.03}, {0.5, 0.5}, {7}} {
		if _, err := Charts(Chart{LogY: true, Curves: []Curve{{Name: "mse", Y: ys}}}).Image(); err != nil {
			t.Errorf("log axis with %v: %v", ys, err)
		}
	}
	// Empty and non-positive series on a log axis still render.
	if f := Charts(Chart{LogY: true, Curves: []Curve{{Name: "z", Y: []float64{0, -1}}}}); f.Err() != nil {
		t.Error(f.Err())
	}
}

func TestGray(t *testing.T) {
	tests := []struct {
		name  string
		data  []float32
		shape []int
		want  []uint8
		err   string
	}{
		{"2D", []float32{0, 1, 2, 3}, []int{2, 2}, []uint8{0, 83, 169, 255}, ""},
		{"first channel", []float32{0, 10, 5, 5, 7, 7}, []int{2, 1, 3}, []uint8{0, 255, 126}, ""},
		{"middle z", []float32{9, 9, 0, 4, 9, 9}, []int{1, 3, 1, 2}, []uint8{0, 255}, ""},
		{"constant", []float32{3, 3}, []int{1, 2}, []uint8{0, 0}, ""},
		{"bad rank", []float32{1}, []int{1}, nil, "want [Y, X]"},
		{"bad size", []float32{1, 2, 3}, []int{2, 2}, nil, "does not match 3 values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Gray(tc.data, tc.shape)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range tc.want {
				if g.Pix[i] != w {
					t.Fatalf("pixels %v, want %v", g.Pix, tc.want)
				}
			}
		})
	}
}

func TestImagesRender(t *testing.T) {
	in := make([]float32, 16*24)
	for i := range in {
		in[i] = float32(i % 24)
	}
	f := Images(Panel{Title: "input", Data: in, Shape: []int{1, 16, 24}}, Panel{Title: "target", Data: in, Shape: []int{16, 24}})
	if _, err := f.Image(); err != nil {
		t.Fatal(err)
	}
	if f := Images(Panel{Title: "x", Data: in, Shape: []int{3}}); f.Err() == nil || !strings.Contains(f.Err().Error(), `panel "x"`) {
		t.Errorf("bad panel: %v", f.Err())
	}
}

// TestRGB checks that three channels become one colour pixel each, scaled
// together (channel balance kept), and that the wrong channel count is refused.
func TestRGB(t *testing.T) {
	// Two pixels: (R, G, B) = (0, 0.5, 1) and (1, 0.5, 0).
	img, err := RGB([]float32{0, 1, 0.5, 0.5, 1, 0}, []int{3, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []uint8{0, 128, 255, 255, 255, 128, 0, 255} // RGBA per pixel (percentiles ≈ min, max)
	for i, w := range want {
		if d := int(img.Pix[i]) - int(w); d < -3 || d > 3 {
			t.Fatalf("pixels %v, want ≈ %v", img.Pix, want)
		}
	}
	if _, err := RGB(make([]float32, 4), []int{2, 1, 2}); err == nil {
		t.Error("two channels accepted as RGB")
	}
}
