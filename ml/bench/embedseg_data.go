package bench

import (
	"math"
	"math/rand/v2"
)

// Discs draws a batch of synthetic EmbedSeg crops [batch, 1, size...] (2D or 3D):
// per crop, objects discs (balls) of radius 6..14 voxels (capped at a quarter of
// the smallest side) at random centres at least 8 voxels from the border where the
// crop allows, each later one drawn over the earlier ones, so objects touch and
// overlap. ids holds 1..objects (0 = background; an object hidden entirely has no
// voxel), centres a 1 at the mask voxel nearest each visible object's centroid.
func Discs(r *rand.Rand, batch int, size []int, objects int) (ids, centres []float32) {
	n := 1
	for _, s := range size {
		n *= s
	}
	ids = make([]float32, batch*n)
	centres = make([]float32, batch*n)
	minSide := size[0]
	for _, s := range size {
		minSide = min(minSide, s)
	}
	pos := make([]int, len(size))
	for b := range batch {
		crop := ids[b*n : (b+1)*n]
		for k := 1; k <= objects; k++ {
			c := make([]float64, len(size))
			for a, s := range size {
				margin := min(8.0, float64(s)/4)
				c[a] = margin + r.Float64()*(float64(s)-2*margin)
			}
			rad := min(6+8*r.Float64(), float64(minSide)/4)
			for v := range n {
				unflatten(v, size, pos)
				d2 := 0.0
				for a := range size {
					d2 += math.Pow(float64(pos[a])-c[a], 2)
				}
				if d2 <= rad*rad {
					crop[v] = float32(k)
				}
			}
		}
		markCentres(crop, centres[b*n:(b+1)*n], size, objects)
	}
	return ids, centres
}

// markCentres sets, for each id 1..objects present in crop, the voxel of that id
// nearest its centroid to 1 in centres.
func markCentres(crop, centres []float32, size []int, objects int) {
	sum := make([][]float64, objects+1)
	cnt := make([]float64, objects+1)
	pos := make([]int, len(size))
	for k := range sum {
		sum[k] = make([]float64, len(size))
	}
	for v, id := range crop {
		if id == 0 {
			continue
		}
		unflatten(v, size, pos)
		for a, p := range pos {
			sum[int(id)][a] += float64(p)
		}
		cnt[int(id)]++
	}
	best := make([]int, objects+1)
	bestD := make([]float64, objects+1)
	for k := range bestD {
		best[k], bestD[k] = -1, math.Inf(1)
	}
	for v, id := range crop {
		if id == 0 {
			continue
		}
		k := int(id)
		unflatten(v, size, pos)
		d := 0.0
		for a, p := range pos {
			d += math.Pow(float64(p)-sum[k][a]/cnt[k], 2)
		}
		if d < bestD[k] {
			best[k], bestD[k] = v, d
		}
	}
	for k := 1; k <= objects; k++ {
		if best[k] >= 0 {
			centres[best[k]] = 1
		}
	}
}

// unflatten writes the row-major index of voxel v of a crop of size into pos.
func unflatten(v int, size, pos []int) {
	for a := len(size) - 1; a >= 0; a-- {
		pos[a] = v % size[a]
		v /= size[a]
	}
}
