package synth

import (
	"math"
	"testing"
)

// TestFluorescenceStain checks the stain-transfer pair: the input is the
// scene's noisy fluorescence, the target three channels whose colours follow
// the scene: purple-dominant (blue > green) inside nuclei, pink (red highest)
// in the cytoplasm, near white in the background.
func TestFluorescenceStain(t *testing.T) {
	for _, tc := range shapes[:3] {
		in, st, err := FluorescenceStain(Options{Shape: tc.shape, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		nu, _ := GenerateNuclei(Options{Shape: tc.shape, Seed: 3})
		if in.Shape[0] != 1 || st.Shape[0] != 3 || len(in.Data)*3 != len(st.Data) {
			t.Fatalf("%s: shapes %v → %v, want 1 channel → 3", tc.name, in.Shape, st.Shape)
		}
		n := len(in.Data)
		cells, _ := nu.scene.rasterize(1.7)
		var sums [3][3]float64 // region (nucleus, cytoplasm, background) × channel
		var counts [3]float64
		for i := 0; i < n; i++ {
			r := 2
			switch {
			case nu.Mask.Data[i] == 1:
				r = 0
			case cells[i] != 0:
				r = 1
			}
			counts[r]++
			for c := 0; c < 3; c++ {
				sums[r][c] += float64(st.Data[c*n+i])
			}
		}
		mean := func(r, c int) float64 { return sums[r][c] / math.Max(1, counts[r]) }
		if !(mean(0, 2) > mean(0, 1) && mean(0, 0) < 0.7) {
			t.Errorf("%s: nuclei RGB (%.2f %.2f %.2f) not purple", tc.name, mean(0, 0), mean(0, 1), mean(0, 2))
		}
		if counts[1] > 0 && !(mean(1, 0) > mean(1, 2) && mean(1, 2) > mean(1, 1)) {
			t.Errorf("%s: cytoplasm RGB (%.2f %.2f %.2f) not pink", tc.name, mean(1, 0), mean(1, 1), mean(1, 2))
		}
		if mean(2, 1) < 0.85 {
			t.Errorf("%s: background RGB (%.2f %.2f %.2f) not near white", tc.name, mean(2, 0), mean(2, 1), mean(2, 2))
		}
	}
}

// TestUnpaired checks that an unpaired sample's mask is another scene's: not
// the mask of its own image, but the mask that scene's seed gives.
func TestUnpaired(t *testing.T) {
	o := Options{Shape: []int{32, 32}, Seed: 4}
	s, err := Generate(Unpaired, o)
	if err != nil {
		t.Fatal(err)
	}
	own, _ := GenerateNuclei(o)
	if equal(s.Arrays["GT"], own.Mask) {
		t.Error("the unpaired mask is the image's own")
	}
	o.Seed += unpairedSeed
	other, _ := GenerateNuclei(o)
	if !equal(s.Arrays["GT"], other.Mask) {
		t.Error("the unpaired mask is not the other scene's")
	}
}
