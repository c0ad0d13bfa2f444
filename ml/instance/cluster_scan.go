package instance

import (
	"math"

	"github.com/im2im/im2im/ml/backend/kernels"
)

// parallelMinVoxels is the distance-pass size from which the pass is split across
// GOMAXPROCS goroutines.
const parallelMinVoxels = 1 << 15

// scanner runs the distance pass over the foreground voxels, stored in cell order.
type scanner struct {
	dims int
	e    [3][]float32 // embedding per axis (x, y, z), cell order
	bufs [][]int32    // per-worker member lists
}

// members returns the positions p, in increasing order within each range and ranges in
// the given order, with Σ_a b[a]·(e[a][p] − centre[a])² < ln 2. Large passes are split
// into contiguous pieces, one per worker, and concatenated in order: the result does not
// depend on GOMAXPROCS.
func (s *scanner) members(ranges [][2]int32, centre, b [3]float64, out []int32) []int32 {
	total := 0
	for _, r := range ranges {
		total += int(r[1] - r[0])
	}
	w := kernels.Workers()
	if total < parallelMinVoxels || w < 2 {
		for _, r := range ranges {
			out = s.scan(int(r[0]), int(r[1]), centre, b, out)
		}
		return out
	}
	for len(s.bufs) < w {
		s.bufs = append(s.bufs, nil)
	}
	kernels.ParallelForStatic(w, func(_, part int) {
		buf := s.bufs[part][:0]
		from, to := part*total/w, (part+1)*total/w
		off := 0 // position of the current range in the concatenation
		for _, r := range ranges {
			n := int(r[1] - r[0])
			lo, hi := max(from, off), min(to, off+n)
			if lo < hi {
				buf = s.scan(int(r[0])+lo-off, int(r[0])+hi-off, centre, b, buf)
			}
			off += n
		}
		s.bufs[part] = buf
	})
	for _, buf := range s.bufs[:w] {
		out = append(out, buf...)
	}
	return out
}

// scan appends the members among positions lo..hi−1.
func (s *scanner) scan(lo, hi int, c, b [3]float64, out []int32) []int32 {
	if s.dims == 2 {
		ex, ey := s.e[0][lo:hi], s.e[1][lo:hi]
		for i := range ex {
			dx, dy := float64(ex[i])-c[0], float64(ey[i])-c[1]
			if b[0]*dx*dx+b[1]*dy*dy < math.Ln2 {
				out = append(out, int32(lo+i))
			}
		}
		return out
	}
	ex, ey, ez := s.e[0][lo:hi], s.e[1][lo:hi], s.e[2][lo:hi]
	for i := range ex {
		dx, dy, dz := float64(ex[i])-c[0], float64(ey[i])-c[1], float64(ez[i])-c[2]
		if b[0]*dx*dx+b[1]*dy*dy+b[2]*dz*dz < math.Ln2 {
			out = append(out, int32(lo+i))
		}
	}
	return out
}

// bandwidth returns b = exp(10·σ), with the exponent capped so that b stays finite
// (b·0 must be 0 at the seed itself).
func bandwidth(sigma float32) float64 {
	return math.Exp(min(10*float64(sigma), 700))
}

// reach returns the largest |Δ| along one axis that a member can have, √(ln 2 / b),
// padded by a relative 1e-6 and an absolute 1e-9 against rounding (+Inf when b = 0).
func reach(b float64) float64 {
	return math.Sqrt(math.Ln2/b)*(1+1e-6) + 1e-9
}
