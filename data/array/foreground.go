package array

// Foreground returns the spatial coordinates of the voxels whose value is above
// zero in any channel, in row-major order (at most limit of them, evenly
// subsampled, if limit > 0). The store keeps this list with each sample so that
// foreground-biased crops need not load a volume; the crop transforms compute it
// on whole samples.
func (a *Array) Foreground(limit int) [][]int {
	sp := a.Spatial()
	per := a.Len() / a.Shape[0]
	var idx []int
	for i := 0; i < per; i++ {
		for c := 0; c < a.Shape[0]; c++ {
			if a.Data[c*per+i] > 0 {
				idx = append(idx, i)
				break
			}
		}
	}
	if limit > 0 && len(idx) > limit {
		sub := make([]int, limit)
		for j := range sub {
			sub[j] = idx[j*len(idx)/limit]
		}
		idx = sub
	}
	st := Strides(sp)
	out := make([][]int, len(idx))
	for j, i := range idx {
		c := make([]int, len(sp))
		for ax := range sp {
			c[ax] = i / st[ax]
			i %= st[ax]
		}
		out[j] = c
	}
	return out
}
