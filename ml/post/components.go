package post

import "fmt"

// Connectivity says which neighbours touch in connected-component labelling.
type Connectivity int

// The supported connectivities: in 2D, 4 (edges) or 8 (edges and corners); in 3D,
// 6 (faces), 18 (faces and edges) or 26 (faces, edges and corners).
const (
	Conn4  Connectivity = 4
	Conn8  Connectivity = 8
	Conn6  Connectivity = 6
	Conn18 Connectivity = 18
	Conn26 Connectivity = 26
)

// offsets returns the neighbour offsets (dz, dy, dx) that precede a voxel in raster
// order, for the given number of spatial dimensions; the full neighbourhood is these
// and their negations.
func offsets(ndim int, conn Connectivity) ([][3]int, error) {
	var maxNonZero int
	switch {
	case ndim == 2 && conn == Conn4, ndim == 3 && conn == Conn6:
		maxNonZero = 1
	case ndim == 2 && conn == Conn8, ndim == 3 && conn == Conn18:
		maxNonZero = 2
	case ndim == 3 && conn == Conn26:
		maxNonZero = 3
	default:
		return nil, fmt.Errorf("post: connectivity %d is not valid in %dD (2D: 4 or 8; 3D: 6, 18 or 26)", conn, ndim)
	}
	zr := 1
	if ndim == 2 {
		zr = 0
	}
	var out [][3]int
	for dz := -zr; dz <= zr; dz++ {
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				nz := abs(dz) + abs(dy) + abs(dx)
				if nz == 0 || nz > maxNonZero {
					continue
				}
				// Keep the half that comes first in raster order.
				if dz < 0 || (dz == 0 && (dy < 0 || (dy == 0 && dx < 0))) {
					out = append(out, [3]int{dz, dy, dx})
				}
			}
		}
	}
	return out, nil
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// dims3 turns 2D (Y, X) or 3D (Z, Y, X) dims into (Z, Y, X) and checks them against n.
func dims3(dims []int, n int) ([3]int, error) {
	var d [3]int
	switch len(dims) {
	case 2:
		d = [3]int{1, dims[0], dims[1]}
	case 3:
		d = [3]int{dims[0], dims[1], dims[2]}
	default:
		return d, fmt.Errorf("post: want 2 (YX) or 3 (ZYX) dims, got %v", dims)
	}
	if d[0] < 0 || d[1] < 0 || d[2] < 0 {
		return d, fmt.Errorf("post: negative dims %v", dims)
	}
	if d[0]*d[1]*d[2] != n {
		return d, fmt.Errorf("post: dims %v hold %d values, the array has %d", dims, d[0]*d[1]*d[2], n)
	}
	return d, nil
}

// Label finds the connected components of the non-zero voxels of mask, laid out
// with dims (Y, X) or (Z, Y, X). It returns a label image (0 background, components
// 1..n numbered in raster order of their first voxel) and n.
func Label(mask []uint8, dims []int, conn Connectivity) ([]int32, int, error) {
	d, err := dims3(dims, len(mask))
	if err != nil {
		return nil, 0, err
	}
	offs, err := offsets(len(dims), conn)
	if err != nil {
		return nil, 0, err
	}
	// Two-pass labelling with union-find over provisional labels.
	labels := make([]int32, len(mask))
	parent := []int32{0}
	find := func(a int32) int32 {
		for parent[a] != a {
			parent[a] = parent[parent[a]]
			a = parent[a]
		}
		return a
	}
	union := func(a, b int32) int32 {
		ra, rb := find(a), find(b)
		if ra == rb {
			return ra
		}
		if ra < rb {
			parent[rb] = ra
			return ra
		}
		parent[ra] = rb
		return rb
	}
	Z, Y, X := d[0], d[1], d[2]
	for z := 0; z < Z; z++ {
		for y := 0; y < Y; y++ {
			for x := 0; x < X; x++ {
				i := (z*Y+y)*X + x
				if mask[i] == 0 {
					continue
				}
				var cur int32
				for _, o := range offs {
					nz, ny, nx := z+o[0], y+o[1], x+o[2]
					if nz < 0 || ny < 0 || nx < 0 || ny >= Y || nx >= X {
						continue
					}
					l := labels[(nz*Y+ny)*X+nx]
					if l == 0 {
						continue
					}
					if cur == 0 {
						cur = find(l)
					} else {
						cur = union(cur, l)
					}
				}
				if cur == 0 {
					cur = int32(len(parent))
					parent = append(parent, cur)
				}
				labels[i] = cur
			}
		}
	}
	// Second pass: resolve roots and renumber consecutively in raster order.
	final := make([]int32, len(parent))
	n := int32(0)
	for i, l := range labels {
		if l == 0 {
			continue
		}
		r := find(l)
		if final[r] == 0 {
			n++
			final[r] = n
		}
		labels[i] = final[r]
	}
	return labels, int(n), nil
}

// Sizes returns the voxel count of every label 0..n of a label image.
func Sizes(labels []int32, n int) ([]int, error) {
	sizes := make([]int, n+1)
	for i, l := range labels {
		if l < 0 || int(l) > n {
			return nil, fmt.Errorf("post: label %d at index %d is outside 0..%d", l, i, n)
		}
		sizes[l]++
	}
	return sizes, nil
}

// RemoveSmallLabels clears components smaller than minSize voxels from a label image
// with labels 0..n and renumbers the survivors consecutively (keeping their order).
// It returns the new label image and the number of components kept.
func RemoveSmallLabels(labels []int32, n, minSize int) ([]int32, int, error) {
	sizes, err := Sizes(labels, n)
	if err != nil {
		return nil, 0, err
	}
	remap := make([]int32, n+1)
	kept := int32(0)
	for l := 1; l <= n; l++ {
		if sizes[l] >= minSize {
			kept++
			remap[l] = kept
		}
	}
	out := make([]int32, len(labels))
	for i, l := range labels {
		out[i] = remap[l]
	}
	return out, int(kept), nil
}

// RemoveSmallObjects clears from a binary mask every connected component (under
// conn) with fewer than minSize voxels.
func RemoveSmallObjects(mask []uint8, dims []int, conn Connectivity, minSize int) ([]uint8, error) {
	labels, n, err := Label(mask, dims, conn)
	if err != nil {
		return nil, err
	}
	kept, _, err := RemoveSmallLabels(labels, n, minSize)
	if err != nil {
		return nil, err
	}
	out := make([]uint8, len(mask))
	for i, l := range kept {
		if l != 0 {
			out[i] = 1
		}
	}
	return out, nil
}
