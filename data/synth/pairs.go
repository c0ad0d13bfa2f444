package synth

import (
	"fmt"
	"math"

	"github.com/im2im/im2im/data/array"
)

// Noise describes the camera model of NoisyClean: the clean image (about [0, 1])
// is scaled to Photons expected photons at intensity 1, Poisson-sampled, then
// read noise of standard deviation ReadSigma (in intensity units) is added.
type Noise struct {
	// Photons at intensity 1; 0 means 20 (a low-light acquisition).
	Photons float64
	// ReadSigma is the Gaussian read noise in intensity units; 0 means 0.03,
	// negative means none.
	ReadSigma float64
}

func (n Noise) resolved() (Noise, error) {
	if n.Photons == 0 {
		n.Photons = 20
	}
	if n.Photons < 0 || math.IsNaN(n.Photons) {
		return n, fmt.Errorf("synth: Noise.Photons %v must be positive", n.Photons)
	}
	switch {
	case n.ReadSigma == 0:
		n.ReadSigma = 0.03
	case n.ReadSigma < 0:
		n.ReadSigma = 0
	}
	return n, nil
}

// addNoise returns a noisy copy of clean under the camera model n, drawing from
// the given random stream of seed.
func addNoise(clean *array.Array, n Noise, seed, stream uint64) *array.Array {
	r := newRand(seed, stream)
	out := array.New(clean.Shape...)
	for i, v := range clean.Data {
		p := poisson(r, math.Max(0, float64(v))*n.Photons) / n.Photons
		out.Data[i] = float32(p + n.ReadSigma*r.NormFloat64())
	}
	return out
}

// NoisyClean returns a denoising pair: a noisy image (Poisson shot noise plus
// Gaussian read noise) and the clean nuclei image it was drawn from.
func NoisyClean(o Options, n Noise) (noisy, clean *array.Array, err error) {
	if n, err = n.resolved(); err != nil {
		return nil, nil, err
	}
	nu, err := GenerateNuclei(o)
	if err != nil {
		return nil, nil, err
	}
	return addNoise(nu.Image, n, o.Seed, 3), nu.Image, nil
}

// BlurredSharp returns a deblurring pair: a sharp textured nuclei image and the
// same image blurred with sigma pixels in-plane (half in z) plus faint noise.
// sigma 0 means 2.
func BlurredSharp(o Options, sigma float64) (blurred, sharp *array.Array, err error) {
	if sigma == 0 {
		sigma = 2
	}
	if sigma < 0 || math.IsNaN(sigma) {
		return nil, nil, fmt.Errorf("synth: blur sigma %v must be positive", sigma)
	}
	nu, err := GenerateNuclei(o)
	if err != nil {
		return nil, nil, err
	}
	sharp = nu.Image
	b, err := array.GaussianBlur(sharp, sigmas(len(sharp.Shape) == 4, sigma))
	if err != nil {
		return nil, nil, err
	}
	return addNoise(b, Noise{Photons: 5000, ReadSigma: 0.002}, o.Seed, 4), sharp, nil
}

// BrightfieldFluorescence returns a label-free pair: a bright-field-like
// transmitted-light image (grey background, cells seen through the relief of
// their optical thickness plus absorption, nuclei slightly denser, noise) and the
// fluorescence-like nuclei image of the same scene, which is the target.
func BrightfieldFluorescence(o Options) (brightfield, fluorescence *array.Array, err error) {
	nu, err := GenerateNuclei(o)
	if err != nil {
		return nil, nil, err
	}
	sc := nu.scene
	cells, _ := sc.rasterize(1.7)
	shape := nu.Image.Shape
	thick := array.New(shape...)
	tex, err := texture(shape, 1.5, newRand(o.Seed, 5))
	if err != nil {
		return nil, nil, err
	}
	for i := range thick.Data {
		v := 0.0
		if cells[i] != 0 {
			v = 0.5 + 0.2*float64(tex.Data[i])
		}
		if nu.labels[i] != 0 {
			v += 0.4
		}
		thick.Data[i] = float32(v)
	}
	is3D := len(shape) == 4
	t, err := array.GaussianBlur(thick, sigmas(is3D, 1.5))
	if err != nil {
		return nil, nil, err
	}
	// Relief: the derivative of the thickness along a diagonal, as in oblique or
	// slightly defocused transmitted light.
	nx := shape[len(shape)-1]
	bf := array.New(shape...)
	for i, v := range t.Data {
		x := i % nx
		y := (i / nx) % shape[len(shape)-2]
		dx, dy := float32(0), float32(0)
		if x > 0 && x < nx-1 {
			dx = (t.Data[i+1] - t.Data[i-1]) / 2
		}
		if y > 0 && y < shape[len(shape)-2]-1 {
			dy = (t.Data[i+nx] - t.Data[i-nx]) / 2
		}
		bf.Data[i] = 0.6 - 0.12*v + 0.9*(dx+dy)
	}
	return addNoise(bf, Noise{Photons: 300, ReadSigma: 0.01}, o.Seed, 6), nu.Image, nil
}
