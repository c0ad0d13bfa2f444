package synth

import (
	"math/rand/v2"

	"github.com/im2im/im2im/data/array"
)

// Nuclei is a generated scene: a fluorescence-like image with its exact masks.
type Nuclei struct {
	// Image is the clean fluorescence-like image, 1×[Z]×Y×X, values in about [0, 1].
	Image *array.Array
	// Mask is the semantic mask (1 inside a nucleus, 0 outside), same shape.
	Mask *array.Array
	// Labels holds instance labels 1..Count (0 background); touching nuclei have
	// distinct labels that share a border.
	Labels *array.Array
	// Count is the number of nuclei in Labels.
	Count int

	scene  *scene
	labels []int32
}

// GenerateNuclei places nuclei-like blobs and renders a clean fluorescence-like
// image (per-nucleus brightness, smooth texture, a brighter core, slight optical
// blur). Mask and Labels are the exact geometry the image was rendered from.
func GenerateNuclei(o Options) (*Nuclei, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	sc := place(o, newRand(o.Seed, 1))
	labels, level := sc.rasterize(1)
	minSize := 4
	if sc.is3D {
		minSize = 8
	}
	blobOf := append([]int32(nil), labels...) // blob index + 1, before renumbering
	count := cleanLabels(labels, sc.shape, minSize)
	n := &Nuclei{Count: count, scene: sc, labels: labels}
	shape := chShape(o.Shape)
	n.Labels = array.New(shape...)
	n.Mask = array.New(shape...)
	for i, l := range labels {
		if l != 0 {
			n.Labels.Data[i] = float32(l)
			n.Mask.Data[i] = 1
		}
	}
	tex, err := texture(shape, 2, newRand(o.Seed, 2))
	if err != nil {
		return nil, err
	}
	img := array.New(shape...)
	const background = 0.05
	for i, l := range labels {
		v := background
		if l != 0 {
			b := sc.blobs[blobOf[i]-1]
			core := 1 - 0.35*float64(level[i])*float64(level[i])
			v = b.brightness * core * (0.8 + 0.2*float64(tex.Data[i]))
		}
		img.Data[i] = float32(v)
	}
	n.Image, err = array.GaussianBlur(img, sigmas(sc.is3D, 0.7))
	if err != nil {
		return nil, err
	}
	return n, nil
}

// chShape prepends the channel axis (C=1) to a spatial shape.
func chShape(spatial []int) []int { return append([]int{1}, spatial...) }

// sigmas returns per-axis blur sigmas for s in-plane, half that in z for 3D.
func sigmas(is3D bool, s float64) []float64 {
	if is3D {
		return []float64{s / 2, s, s}
	}
	return []float64{s, s}
}

// texture returns smooth noise in [0, 1]: white noise blurred with sigma s, then
// stretched to the unit range.
func texture(shape []int, s float64, r *rand.Rand) (*array.Array, error) {
	w := array.New(shape...)
	for i := range w.Data {
		w.Data[i] = float32(r.Float64())
	}
	t, err := array.GaussianBlur(w, sigmas(len(shape) == 4, s))
	if err != nil {
		return nil, err
	}
	lo, hi := t.MinMax()
	if hi > lo {
		for i, v := range t.Data {
			t.Data[i] = (v - lo) / (hi - lo)
		}
	}
	return t, nil
}
