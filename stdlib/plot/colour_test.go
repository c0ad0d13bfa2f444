package plot

import (
	"strings"
	"testing"
)

func TestIsLabels(t *testing.T) {
	many := make([]float32, 100)
	for i := range many {
		many[i] = float32(i)
	}
	tests := []struct {
		name   string
		values []float32
		want   bool
	}{
		{"mask", []float32{0, 1, 1, 0}, true},
		{"instances", []float32{0, 3, 7, 12}, true},
		{"fractions", []float32{0, 0.5, 1}, false},
		{"negative", []float32{-1, 0, 1}, false},
		{"grey levels", many, false},
		{"empty", nil, false},
	}
	for _, tc := range tests {
		if got := IsLabels(tc.values); got != tc.want {
			t.Errorf("%s: IsLabels = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestLabelColors: background is black and the first 20 labels differ
// visibly from one another and from the background.
func TestLabelColors(t *testing.T) {
	if c := LabelColor(0); c.R != 0 || c.G != 0 || c.B != 0 {
		t.Errorf("background %v", c)
	}
	for a := 1; a <= 20; a++ {
		ca := LabelColor(a)
		if int(ca.R)+int(ca.G)+int(ca.B) < 150 {
			t.Errorf("label %d too dark: %v", a, ca)
		}
		for b := a + 1; b <= 20; b++ {
			cb := LabelColor(b)
			d := abs(int(ca.R)-int(cb.R)) + abs(int(ca.G)-int(cb.G)) + abs(int(ca.B)-int(cb.B))
			if d < 40 {
				t.Errorf("labels %d and %d look alike: %v %v", a, b, ca, cb)
			}
		}
	}
}

func abs(a int) int { return max(a, -a) }

func TestPanelCheck(t *testing.T) {
	d := make([]float32, 8)
	tests := []struct {
		name string
		p    Panel
		err  string
	}{
		{"ok", Panel{Data: d, Shape: []int{1, 2, 2, 2}, View: ViewOrtho, PixelSize: []float64{2, 0.5, 0.5}}, ""},
		{"kind", Panel{Data: d, Shape: []int{2, 4}, Kind: "heat"}, `kind "heat"`},
		{"view", Panel{Data: d, Shape: []int{2, 4}, View: "side"}, `view "side"`},
		{"pixel size", Panel{Data: d, Shape: []int{2, 4}, PixelSize: []float64{0, 1}}, "must be > 0"},
		{"range", Panel{Data: d, Shape: []int{2, 4}, Range: []float64{1, 1}}, "low < high"},
		{"outline", Panel{Data: d, Shape: []int{2, 4}, Outline: d[:4]}, "outline has 4 values, want 8"},
		{"truth alone", Panel{Data: d, Shape: []int{2, 4}, Truth: d}, "truth needs an outline"},
	}
	for _, tc := range tests {
		err := tc.p.check()
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}
}
