package synth

import (
	"math"
	"math/rand/v2"
)

// blob is one ellipsoidal nucleus: centre (z, y, x), semi-axes, in-plane angle.
type blob struct {
	c          [3]float64
	a, b, cz   float64 // semi-axes along the rotated x', y' and along z
	cos, sin   float64
	brightness float64
}

// level returns the normalized ellipsoid distance of point p (1 on the surface).
func (o *blob) level(z, y, x float64) float64 {
	dx, dy, dz := x-o.c[2], y-o.c[1], z-o.c[0]
	u := (dx*o.cos + dy*o.sin) / o.a
	v := (-dx*o.sin + dy*o.cos) / o.b
	w := 0.0
	if o.cz > 0 {
		w = dz / o.cz
	}
	return math.Sqrt(u*u + v*v + w*w)
}

// extent returns the largest semi-axis in-plane (a bounding radius).
func (o *blob) extent() float64 { return math.Max(o.a, o.b) }

// scene is a set of placed blobs in a volume of shape [Z Y X] (Z = 1 for 2D).
type scene struct {
	shape [3]int
	is3D  bool
	blobs []blob
}

// place builds the blobs: free ones at random where they do not overlap, and a
// Touching fraction pushed against an existing blob so the two share a border.
func place(o Options, r *rand.Rand) *scene {
	s := &scene{is3D: len(o.Shape) == 3}
	if s.is3D {
		s.shape = [3]int{o.Shape[0], o.Shape[1], o.Shape[2]}
	} else {
		s.shape = [3]int{1, o.Shape[0], o.Shape[1]}
	}
	for len(s.blobs) < o.Objects {
		placed := false
		for attempt := 0; attempt < 60 && !placed; attempt++ {
			nb := s.randomBlob(o, r)
			touch := len(s.blobs) > 0 && r.Float64() < o.Touching
			var partner = -1
			if touch {
				partner = r.IntN(len(s.blobs))
				p := &s.blobs[partner]
				ang := r.Float64() * 2 * math.Pi
				// 0.85 of the smaller semi-axes: the two always overlap, and
				// the partition in rasterize turns the overlap into a shared border.
				d := 0.85 * (math.Min(p.a, p.b) + math.Min(nb.a, nb.b))
				nb.c[1] = p.c[1] + d*math.Sin(ang)
				nb.c[2] = p.c[2] + d*math.Cos(ang)
				nb.c[0] = p.c[0]
				if s.is3D {
					nb.c[0] += (r.Float64() - 0.5) * 0.3 * math.Min(p.cz, nb.cz)
				}
			}
			if !s.inside(&nb) || !s.free(&nb, partner) {
				continue
			}
			s.blobs = append(s.blobs, nb)
			placed = true
		}
		if !placed {
			break // the image is full: fewer objects than asked for
		}
	}
	return s
}

func (s *scene) randomBlob(o Options, r *rand.Rand) blob {
	rad := o.MinRadius + r.Float64()*(o.MaxRadius-o.MinRadius)
	elong := 0.75 + 0.25*r.Float64()
	ang := r.Float64() * math.Pi
	b := blob{a: rad, b: rad * elong, cos: math.Cos(ang), sin: math.Sin(ang), brightness: 0.55 + 0.45*r.Float64()}
	b.c[1] = r.Float64() * float64(s.shape[1]-1)
	b.c[2] = r.Float64() * float64(s.shape[2]-1)
	if s.is3D {
		b.cz = math.Max(1, rad*o.ZScale)
		b.c[0] = r.Float64() * float64(s.shape[0]-1)
	}
	return b
}

// inside reports whether the blob centre lies in the image.
func (s *scene) inside(b *blob) bool {
	for i := 0; i < 3; i++ {
		if b.c[i] < 0 || b.c[i] > float64(s.shape[i]-1) {
			return false
		}
	}
	return true
}

// free reports whether b keeps clear of every blob except partner (which it may
// press against but not swallow).
func (s *scene) free(b *blob, partner int) bool {
	for i := range s.blobs {
		o := &s.blobs[i]
		dz := (b.c[0] - o.c[0])
		if s.is3D {
			dz /= math.Max(1, (b.cz+o.cz)/(b.extent()+o.extent()))
		}
		d := math.Sqrt(sq(b.c[1]-o.c[1]) + sq(b.c[2]-o.c[2]) + sq(dz))
		sum := b.extent() + o.extent()
		if i == partner {
			if d < 0.6*sum {
				return false
			}
			continue
		}
		if d < 1.05*sum {
			return false
		}
	}
	return true
}

func sq(v float64) float64 { return v * v }

// rasterize assigns every voxel to the blob with the smallest level below scale
// (scale 1 gives the nuclei, larger values grown "cell bodies"). It returns the
// label volume (0 background, i+1 for blob i) and the per-voxel level.
func (s *scene) rasterize(scale float64) (labels []int32, level []float32) {
	n := s.shape[0] * s.shape[1] * s.shape[2]
	labels = make([]int32, n)
	level = make([]float32, n)
	for i := range level {
		level[i] = float32(math.Inf(1))
	}
	ny, nx := s.shape[1], s.shape[2]
	for bi := range s.blobs {
		b := &s.blobs[bi]
		rxy := b.extent()*scale + 1
		rz := b.cz*scale + 1
		z0, z1 := 0, 0
		if s.is3D {
			z0, z1 = clampI(int(math.Floor(b.c[0]-rz)), 0, s.shape[0]-1), clampI(int(math.Ceil(b.c[0]+rz)), 0, s.shape[0]-1)
		}
		y0, y1 := clampI(int(math.Floor(b.c[1]-rxy)), 0, ny-1), clampI(int(math.Ceil(b.c[1]+rxy)), 0, ny-1)
		x0, x1 := clampI(int(math.Floor(b.c[2]-rxy)), 0, nx-1), clampI(int(math.Ceil(b.c[2]+rxy)), 0, nx-1)
		for z := z0; z <= z1; z++ {
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					l := b.level(float64(z), float64(y), float64(x)) / scale
					if l >= 1 {
						continue
					}
					i := (z*ny+y)*nx + x
					if float32(l) < level[i] {
						level[i] = float32(l)
						labels[i] = int32(bi + 1)
					}
				}
			}
		}
	}
	return labels, level
}

func clampI(v, lo, hi int) int { return max(lo, min(hi, v)) }
