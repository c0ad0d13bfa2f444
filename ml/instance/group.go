package instance

// groups lists the voxels of every instance: the instances are numbered 0..n−1 in the
// order of their first voxel, and the voxels of instance j, in raster order, are
// voxels[start[j]:start[j+1]]. ids[j] is the original id of instance j. labels must be
// non-negative.
type groups struct {
	ids    []int32
	start  []int
	voxels []int32
}

func groupVoxels(labels []int32) groups {
	compact := append([]int32(nil), labels...)
	n := Relabel(compact)
	g := groups{ids: make([]int32, n), start: make([]int, n+1), voxels: make([]int32, 0, len(labels))}
	for i, c := range compact {
		if c != 0 {
			g.start[c]++
			g.ids[c-1] = labels[i]
		}
	}
	for j := 1; j <= n; j++ {
		g.start[j] += g.start[j-1]
	}
	g.voxels = g.voxels[:g.start[n]]
	next := append([]int(nil), g.start[:n]...)
	for i, c := range compact {
		if c != 0 {
			g.voxels[next[c-1]] = int32(i)
			next[c-1]++
		}
	}
	return g
}

// members returns the voxels of instance j.
func (g groups) members(j int) []int32 { return g.voxels[g.start[j]:g.start[j+1]] }
