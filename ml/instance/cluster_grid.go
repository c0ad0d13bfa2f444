package instance

import "math"

// cellGrid buckets the foreground voxels by embedding position into a uniform grid of
// cells, so that a seed's distance pass visits only the voxels whose embedding can lie
// within its reach. Axes are in channel order (x, y, z); only the first dims are used.
// The voxels of cell c are the positions start[c] .. start[c+1]−1 of the cell-ordered
// arrays.
type cellGrid struct {
	dims   int
	n      [3]int
	origin [3]float64
	inv    [3]float64 // cells per embedding unit (0: a single cell)
	start  []int32
}

// maxCellsPerVoxel bounds the number of cells relative to the foreground size.
const maxCellsPerVoxel = 2

// newCellGrid sizes a grid for embeddings e (per axis, dims of them) with cells of about
// size[a] embedding units, enlarged when the grid would have more than
// maxCellsPerVoxel·len(e[0]) + 64 cells. It returns the cell of every voxel too.
func newCellGrid(dims int, e [3][]float32, size [3]float64) (cellGrid, []int32) {
	g := cellGrid{dims: dims, n: [3]int{1, 1, 1}}
	nv := len(e[0])
	var extent [3]float64
	for a := 0; a < dims; a++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range e[a] {
			lo, hi = min(lo, float64(v)), max(hi, float64(v))
		}
		if nv == 0 {
			lo, hi = 0, 0
		}
		g.origin[a], extent[a] = lo, hi-lo
	}
	limit := float64(maxCellsPerVoxel*nv + 64)
	for scale := 1.0; ; scale *= 1.5 {
		total := 1.0
		for a := 0; a < dims; a++ {
			s := size[a] * scale
			g.n[a], g.inv[a] = 1, 0
			if s > 0 && s < extent[a] {
				g.inv[a] = 1 / s
				g.n[a] = int(extent[a]*g.inv[a]) + 1
			}
			total *= float64(g.n[a])
		}
		if total <= limit {
			break
		}
	}
	cells := make([]int32, nv)
	g.start = make([]int32, g.n[0]*g.n[1]*g.n[2]+1)
	for p := range cells {
		c := 0
		for a := dims - 1; a >= 0; a-- {
			c = c*g.n[a] + g.cell(a, float64(e[a][p]))
		}
		cells[p] = int32(c)
		g.start[c+1]++
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	return g, cells
}

// cell returns the cell index along axis a of embedding coordinate v, clamped to the grid.
func (g *cellGrid) cell(a int, v float64) int {
	f := math.Floor((v - g.origin[a]) * g.inv[a])
	switch {
	case !(f > 0): // negative, or NaN from an infinite reach times a zero inv
		return 0
	case f >= float64(g.n[a]-1):
		return g.n[a] - 1
	}
	return int(f)
}

// ranges appends to out the position ranges [lo, hi) of the cells that the box
// centre ± reach touches; cells adjacent along x form one range.
func (g *cellGrid) ranges(centre, reach [3]float64, out [][2]int32) [][2]int32 {
	var lo, hi [3]int
	for a := 0; a < 3; a++ {
		if a < g.dims {
			lo[a], hi[a] = g.cell(a, centre[a]-reach[a]), g.cell(a, centre[a]+reach[a])
		}
	}
	for cz := lo[2]; cz <= hi[2]; cz++ {
		for cy := lo[1]; cy <= hi[1]; cy++ {
			row := (cz*g.n[1] + cy) * g.n[0]
			a, b := g.start[row+lo[0]], g.start[row+hi[0]+1]
			if a < b {
				out = append(out, [2]int32{a, b})
			}
		}
	}
	return out
}
