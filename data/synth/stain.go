package synth

import (
	"github.com/im2im/im2im/data/array"
)

// Stain colours (RGB in [0, 1]) of the H&E-like rendering: eosin-pink cytoplasm,
// near-white background, hematoxylin-purple nuclei with darker chromatin.
var (
	stainBackground = [3]float64{0.96, 0.93, 0.95}
	stainCytoplasm  = [3]float64{0.93, 0.62, 0.78}
	stainNucleus    = [3]float64{0.55, 0.38, 0.72}
	stainChromatin  = [3]float64{0.30, 0.16, 0.50}
)

// FluorescenceStain returns a stain-transfer pair of the same scene: a noisy
// one-channel fluorescence-like nuclei image, and an RGB (3-channel)
// H&E-like rendering of it: pink cytoplasm around the nuclei, purple nuclei
// with a darker rim and dark chromatin granules where the nucleus' texture (the
// same texture that modulates the fluorescence) is high, with sharp granule
// edges the blurred, noisy input only hints at.
func FluorescenceStain(o Options) (fluorescence, stained *array.Array, err error) {
	nu, err := GenerateNuclei(o)
	if err != nil {
		return nil, nil, err
	}
	cells, _ := nu.scene.rasterize(1.7)
	_, level := nu.scene.rasterize(1)
	tex, err := texture(nu.Image.Shape, 2, newRand(o.Seed, 2))
	if err != nil {
		return nil, nil, err
	}
	n := len(nu.labels)
	spatial := nu.Image.Shape[1:]
	stained = array.New(append([]int{3}, spatial...)...)
	for i := 0; i < n; i++ {
		col := stainBackground
		switch {
		case nu.labels[i] != 0:
			col = stainNucleus
			rim := float64(level[i]) // 0 at the centre, 1 at the border
			if rim > 0.8 || tex.Data[i] > 0.58 {
				col = stainChromatin
			}
		case cells[i] != 0:
			col = stainCytoplasm
		}
		for c := 0; c < 3; c++ {
			stained.Data[c*n+i] = float32(col[c])
		}
	}
	blurred, err := array.GaussianBlur(stained, sigmas(len(spatial) == 3, 0.5))
	if err != nil {
		return nil, nil, err
	}
	return addNoise(nu.Image, Noise{Photons: 200, ReadSigma: 0.02}, o.Seed, 7), blurred, nil
}
