package instance

// Relabel renumbers the non-zero ids of labels in place to 1..n in the order of their
// first appearance in raster order, and returns n. Zero stays background; every other
// value, negative ones included, is an id.
func Relabel(labels []int32) int {
	lo, hi := int64(0), int64(0)
	for _, l := range labels {
		lo, hi = min(lo, int64(l)), max(hi, int64(l))
	}
	if lo >= 0 && hi <= int64(len(labels))*4+1024 {
		return relabelDense(labels, int(hi))
	}
	return relabelSparse(labels)
}

// relabelDense relabels ids 0..hi through a lookup table.
func relabelDense(labels []int32, hi int) int {
	table := make([]int32, hi+1)
	n := int32(0)
	for i, l := range labels {
		if l == 0 {
			continue
		}
		if table[l] == 0 {
			n++
			table[l] = n
		}
		labels[i] = table[l]
	}
	return int(n)
}

// relabelSparse relabels arbitrary ids through a map, caching the last id seen (label
// images come in runs).
func relabelSparse(labels []int32) int {
	table := map[int32]int32{}
	n := int32(0)
	last, lastNew := int32(0), int32(0)
	for i, l := range labels {
		if l == 0 {
			continue
		}
		if l != last {
			v, ok := table[l]
			if !ok {
				n++
				v = n
				table[l] = v
			}
			last, lastNew = l, v
		}
		labels[i] = lastNew
	}
	return int(n)
}
