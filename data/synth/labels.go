package synth

// cleanLabels keeps, for every label, only its largest face-connected component,
// drops labels smaller than minSize voxels, and renumbers the rest 1..K in order
// of first appearance. It returns K.
func cleanLabels(labels []int32, shape [3]int, minSize int) int {
	nz, ny, nx := shape[0], shape[1], shape[2]
	comp := make([]int32, len(labels)) // component id per voxel, 0 = unvisited
	var sizes []int
	var owner []int32
	stack := make([]int, 0, 256)
	for start, l := range labels {
		if l == 0 || comp[start] != 0 {
			continue
		}
		id := int32(len(sizes) + 1)
		size := 0
		stack = append(stack[:0], start)
		comp[start] = id
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			x := i % nx
			y := (i / nx) % ny
			z := i / (nx * ny)
			push := func(j int) {
				if labels[j] == l && comp[j] == 0 {
					comp[j] = id
					stack = append(stack, j)
				}
			}
			if x > 0 {
				push(i - 1)
			}
			if x < nx-1 {
				push(i + 1)
			}
			if y > 0 {
				push(i - nx)
			}
			if y < ny-1 {
				push(i + nx)
			}
			if z > 0 {
				push(i - nx*ny)
			}
			if z < nz-1 {
				push(i + nx*ny)
			}
		}
		sizes = append(sizes, size)
		owner = append(owner, l)
	}
	// Largest component per label.
	best := map[int32]int32{}
	for c, l := range owner {
		b, ok := best[l]
		if !ok || sizes[c] > sizes[b-1] {
			best[l] = int32(c + 1)
		}
	}
	next := int32(0)
	renum := map[int32]int32{}
	for i, l := range labels {
		if l == 0 {
			continue
		}
		c := comp[i]
		if best[l] != c || sizes[c-1] < minSize {
			labels[i] = 0
			continue
		}
		nl, ok := renum[l]
		if !ok {
			next++
			nl = next
			renum[l] = nl
		}
		labels[i] = nl
	}
	return int(next)
}
