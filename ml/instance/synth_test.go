package instance

import (
	"math"
	"math/rand/v2"
)

// synth describes a synthetic prediction for a label image.
type synth struct {
	dims    int
	step    [3]float64 // z, y, x as in ClusterOptions
	reachPx float64    // each instance's φ > 0.5 reach, in voxels
	noisePx float64    // std of the embedding noise in voxels (0: exact embeddings)
}

// pred builds a [2·dims+1, Z, Y, X] prediction for labels: inside an instance the
// offsets point at the instance's mean coordinate (plus Gaussian noise), the sigmas give
// a reach of reachPx voxels, and the seed logit falls from 3 at the centre to 1 at the
// farthest voxel; the background has random offsets and sigmas and a logit near −3.
// With noise, sigmas and logits get a little noise too.
func (s synth) pred(labels []int32, shape [3]int, rng *rand.Rand) []float32 {
	v := len(labels)
	d := s.dims
	out := make([]float32, (2*d+1)*v)
	coord := func(i, a int) float64 { // axis a in channel order (x, y, z)
		switch a {
		case 0:
			return float64(i%shape[2]) * s.step[2]
		case 1:
			return float64(i/shape[2]%shape[1]) * s.step[1]
		}
		return float64(i/(shape[1]*shape[2])) * s.step[0]
	}
	g := groupVoxels(labels)
	for j := range g.ids {
		vox := g.members(j)
		var centre [3]float64
		for a := 0; a < d; a++ {
			for _, i := range vox {
				centre[a] += coord(int(i), a)
			}
			centre[a] /= float64(len(vox))
		}
		far := 1e-9
		dist := func(i int) float64 {
			q := 0.0
			for a := 0; a < d; a++ {
				t := (coord(i, a) - centre[a]) / s.step[2-a]
				q += t * t
			}
			return math.Sqrt(q)
		}
		for _, i := range vox {
			far = max(far, dist(int(i)))
		}
		for _, i := range vox {
			for a := 0; a < d; a++ {
				delta := centre[a] - coord(int(i), a) + rng.NormFloat64()*s.noisePx*s.step[2-a]
				out[a*v+int(i)] = float32(math.Atanh(max(-0.999999, min(0.999999, delta))))
				r := s.reachPx * s.step[2-a]
				out[(d+a)*v+int(i)] = float32(math.Log(math.Ln2/(r*r))/10 + s.jitter(rng, 0.02))
			}
			q := dist(int(i)) / far
			out[2*d*v+int(i)] = float32(3 - 2*q*q + s.jitter(rng, 0.3))
		}
	}
	for i, l := range labels {
		if l != 0 {
			continue
		}
		for a := 0; a < d; a++ {
			out[a*v+i] = float32(rng.NormFloat64())
			out[(d+a)*v+i] = float32(rng.Float64())
		}
		out[2*d*v+i] = float32(-3 + s.jitter(rng, 0.5))
	}
	return out
}

// jitter returns Gaussian noise of the given std when the synth is noisy, else 0.
func (s synth) jitter(rng *rand.Rand, std float64) float64 {
	if s.noisePx == 0 {
		return 0
	}
	return rng.NormFloat64() * std
}

// discs returns a [1, h, w] label image of discs on a jittered ny × nx lattice with radii
// in [rmin, rmax); overlapping discs touch, each voxel going to the nearest centre.
func discs(h, w, ny, nx int, rmin, rmax float64, rng *rand.Rand) []int32 {
	labels := make([]int32, h*w)
	best := make([]float64, h*w)
	for i := range best {
		best[i] = math.Inf(1)
	}
	id := int32(0)
	for gy := 0; gy < ny; gy++ {
		for gx := 0; gx < nx; gx++ {
			id++
			cy := (float64(gy) + 0.2 + 0.6*rng.Float64()) * float64(h) / float64(ny)
			cx := (float64(gx) + 0.2 + 0.6*rng.Float64()) * float64(w) / float64(nx)
			r := rmin + (rmax-rmin)*rng.Float64()
			for y := max(0, int(cy-r)); y <= min(h-1, int(cy+r)); y++ {
				for x := max(0, int(cx-r)); x <= min(w-1, int(cx+r)); x++ {
					d := math.Hypot(float64(y)-cy, float64(x)-cx)
					if i := y*w + x; d < r && d < best[i] {
						labels[i], best[i] = id, d
					}
				}
			}
		}
	}
	return labels
}
