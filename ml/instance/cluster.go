package instance

import (
	"fmt"
	"math"
	"slices"
)

// Cluster turns a raw network prediction into an instance label image, following
// mmv_im2im's clustering (see the package doc for the layout and the formulas):
//
//  1. Foreground: seed > o.FgThresh (evaluated as logit > logit(FgThresh)). At most
//     o.MinMaskSum foreground voxels give an all-zero image.
//  2. While more than o.MinUnclusteredSum foreground voxels are unclustered: take the
//     unclustered voxel with the highest seed (the first in raster order on ties); stop
//     if its seed is below o.SeedThresh. Mark it clustered. With the bandwidth of its
//     own sigmas and its embedding as centre, the proposal is every foreground voxel
//     with φ > 0.5, clustered or not. Accept it when it has more than o.MinObjectSize
//     voxels of which more than half were unclustered: its voxels get the next id,
//     overwriting earlier ids. Mark the proposal clustered either way.
//  3. Renumber the ids sequentially in raster order of first appearance (Relabel).
//
// pred is [C, Z, Y, X] with C = 2·o.Dims+1 and shape = [Z, Y, X] (Z = 1 in 2D). It
// returns labels (shape's size, 0 background) and the number of instances. A NaN in
// pred is an error. The result is deterministic and does not depend on GOMAXPROCS.
//
// Each seed's distance pass visits only the voxels whose embedding lies in cells
// (a grid sized from the seeds' median reach) that the seed's reach box touches, and
// passes over more than 32768 voxels run on GOMAXPROCS goroutines.
func Cluster(pred []float32, shape [3]int, o ClusterOptions) (labels []int32, n int, err error) {
	return cluster(pred, shape, o, true)
}

// cluster is Cluster; fast=false makes every distance pass visit all foreground voxels
// (the reference the tests compare the cell grid with).
func cluster(pred []float32, shape [3]int, o ClusterOptions, fast bool) ([]int32, int, error) {
	if err := o.Validate(); err != nil {
		return nil, 0, err
	}
	d := o.Dims
	v, err := voxels(shape, len(pred), 2*d+1, "prediction")
	if err != nil {
		return nil, 0, err
	}
	if d == 2 && shape[0] != 1 {
		return nil, 0, fmt.Errorf("instance: 2D clustering needs shape [1, Y, X], got %v", shape)
	}
	if err := checkFinite(pred, shape, d); err != nil {
		return nil, 0, err
	}
	labels := make([]int32, v)
	fg := foreground(pred[2*d*v:], o.FgThresh)
	if len(fg) <= o.MinMaskSum {
		return labels, 0, nil
	}
	f := gather(pred, shape, o, fg, fast)
	f.run(pred[d*v:2*d*v], v, o)
	for p, l := range f.label {
		labels[f.voxel[p]] = l
	}
	return labels, Relabel(labels), nil
}

// checkFinite returns an error naming the first NaN of pred.
func checkFinite(pred []float32, shape [3]int, d int) error {
	v := shape[0] * shape[1] * shape[2]
	for i, x := range pred {
		if x != x {
			c, r := i/v, i%v
			name := [...]string{"offset x", "offset y", "offset z", "sigma x", "sigma y", "sigma z"}
			what := "seed logit"
			if c < 2*d {
				what = name[c%d+3*(c/d)]
			}
			z, y, xx := r/(shape[1]*shape[2]), r/shape[2]%shape[1], r%shape[2]
			return fmt.Errorf("instance: prediction channel %d (%s) is NaN at z=%d y=%d x=%d", c, what, z, y, xx)
		}
	}
	return nil
}

// foreground returns the raster indices of the voxels whose seed logit exceeds
// logit(t).
func foreground(logits []float32, t float64) []int32 {
	lt := math.Log(t / (1 - t)) // −Inf for 0, +Inf for 1
	n := 0
	for _, l := range logits {
		if float64(l) > lt {
			n++
		}
	}
	fg := make([]int32, 0, n)
	for i, l := range logits {
		if float64(l) > lt {
			fg = append(fg, int32(i))
		}
	}
	return fg
}

// fgVoxels is the clustering state of the foreground voxels, in cell order.
type fgVoxels struct {
	scanner
	grid  cellGrid
	voxel []int32 // raster index of position p
	order []int32 // candidate seeds (seed ≥ SeedThresh), best first
	label []int32
}

// gather computes the embeddings of the foreground voxels fg (raster order), sorts them
// into cells and orders the candidate seeds.
func gather(pred []float32, shape [3]int, o ClusterOptions, fg []int32, fast bool) *fgVoxels {
	d := o.Dims
	v := len(pred) / (2*d + 1)
	var e [3][]float32
	for a := 0; a < d; a++ {
		e[a] = make([]float32, len(fg))
	}
	for k, i := range fg {
		yx := int(i) % (shape[1] * shape[2])
		c := [3]int{yx % shape[2], yx / shape[2], int(i) / (shape[1] * shape[2])} // x, y, z
		for a := 0; a < d; a++ {
			e[a][k] = float32(math.Tanh(float64(pred[a*v+int(i)])) + float64(c[a])*o.Step[2-a])
		}
	}
	logits := pred[2*d*v:]
	seeds := make([]float32, 0, len(fg))
	cand := make([]int32, 0, len(fg)) // raster-order positions k of the candidates
	for k, i := range fg {
		if s := float32(1 / (1 + math.Exp(-float64(logits[i])))); float64(s) >= o.SeedThresh {
			seeds = append(seeds, s)
			cand = append(cand, int32(k))
		}
	}
	size := cellSize(pred[d*v:2*d*v], fg, cand, d)
	if !fast {
		size = [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
	}
	grid, cells := newCellGrid(d, e, size)
	// Counting sort into cell order (stable, so raster order within a cell).
	next := append([]int32(nil), grid.start[:len(grid.start)-1]...)
	pos := make([]int32, len(fg)) // k → p
	f := &fgVoxels{scanner: scanner{dims: d}, grid: grid,
		voxel: make([]int32, len(fg)), label: make([]int32, len(fg))}
	for k, c := range cells {
		pos[k] = next[c]
		next[c]++
		f.voxel[pos[k]] = fg[k]
	}
	for a := 0; a < d; a++ {
		f.e[a] = make([]float32, len(fg))
		for k, x := range e[a] {
			f.e[a][pos[k]] = x
		}
	}
	for j, k := range cand {
		cand[j] = pos[k]
	}
	f.order = seedOrder(seeds, cand)
	return f
}

// cellSize returns, per axis, the reach of the median sigma over (a sample of at most
// 1025 of) the candidate seeds.
func cellSize(sigmas []float32, fg, cand []int32, d int) [3]float64 {
	var size [3]float64
	if len(cand) == 0 {
		return size
	}
	v := len(sigmas) / d
	stride := max(1, len(cand)/1024)
	sample := make([]float64, 0, len(cand)/stride+1)
	for a := 0; a < d; a++ {
		sample = sample[:0]
		for j := 0; j < len(cand); j += stride {
			sample = append(sample, float64(sigmas[a*v+int(fg[cand[j]])]))
		}
		slices.Sort(sample)
		size[a] = reach(bandwidth(float32(sample[len(sample)/2])))
	}
	return size
}

// run is the seed loop (step 2 of Cluster); sigmas are the prediction's sigma channels
// and v the voxels per channel.
func (f *fgVoxels) run(sigmas []float32, v int, o ClusterOptions) {
	n := len(f.voxel)
	unclustered := make([]bool, n)
	for p := range unclustered {
		unclustered[p] = true
	}
	left := n
	next := int32(1)
	var ranges [][2]int32
	var members []int32
	for _, p := range f.order {
		if left <= o.MinUnclusteredSum {
			break
		}
		if !unclustered[p] {
			continue
		}
		unclustered[p] = false
		left--
		var centre, b, r [3]float64
		for a := 0; a < f.dims; a++ {
			centre[a] = float64(f.e[a][p])
			b[a] = bandwidth(sigmas[a*v+int(f.voxel[p])])
			r[a] = reach(b[a])
		}
		ranges = f.grid.ranges(centre, r, ranges[:0])
		members = f.members(ranges, centre, b, members[:0])
		fresh := 0
		for _, m := range members {
			if unclustered[m] {
				fresh++
			}
		}
		accept := len(members) > o.MinObjectSize && 2*fresh > len(members)
		for _, m := range members {
			if accept {
				f.label[m] = next
			}
			if unclustered[m] {
				unclustered[m] = false
				left--
			}
		}
		if accept {
			next++
		}
	}
}
