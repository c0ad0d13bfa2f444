package plot

// plane is one 2D view of a panel: 1 or 3 channels of h×w values, the
// physical pixel size along its rows (sy) and columns (sx), and the matching
// views of the outline and truth label images (nil when absent).
type plane struct {
	h, w           int
	sy, sx         float64
	ch             [][]float32
	outline, truth []float32
}

// volume is a panel's data as channels of Z×Y×X values.
type volume struct {
	z, y, x int
	ch      [][]float32
}

// views returns the planes a panel shows: one for the middle Z slice or the
// maximum projection, three (XY, XZ, YZ) for orthogonal views of 3D data.
func views(p Panel, rgb bool) []plane {
	c, z, y, x, _ := p.dims()
	n := z * y * x
	v := volume{z: z, y: y, x: x}
	shown := 1
	if rgb {
		shown = 3
	}
	for k := 0; k < min(c, shown); k++ {
		v.ch = append(v.ch, p.Data[k*n:(k+1)*n])
	}
	labels := []volume{{z: z, y: y, x: x, ch: [][]float32{p.Outline}}, {z: z, y: y, x: x, ch: [][]float32{p.Truth}}}
	sz, sy, sx, _ := p.spacing()
	var out []plane
	add := func(f func(volume) ([][]float32, int, int), sy, sx float64) {
		ch, h, w := f(v)
		pl := plane{h: h, w: w, sy: sy, sx: sx, ch: ch}
		if p.Outline != nil {
			o, _, _ := f(labels[0])
			pl.outline = o[0]
		}
		if p.Truth != nil {
			t, _, _ := f(labels[1])
			pl.truth = t[0]
		}
		out = append(out, pl)
	}
	switch {
	case p.View == ViewMIP && z > 1:
		add(maxZ, sy, sx)
	case p.View == ViewOrtho && z > 1:
		add(func(v volume) ([][]float32, int, int) { return sliceZ(v, v.z/2) }, sy, sx)
		add(func(v volume) ([][]float32, int, int) { return sliceY(v, v.y/2) }, sz, sx)
		add(func(v volume) ([][]float32, int, int) { return sliceX(v, v.x/2) }, sy, sz)
	default:
		add(func(v volume) ([][]float32, int, int) { return sliceZ(v, v.z/2) }, sy, sx)
	}
	return out
}

// sliceZ returns the XY plane at z (Y rows, X columns).
func sliceZ(v volume, z int) ([][]float32, int, int) {
	out := make([][]float32, len(v.ch))
	for k, d := range v.ch {
		if d != nil {
			out[k] = d[z*v.y*v.x : (z+1)*v.y*v.x]
		}
	}
	return out, v.y, v.x
}

// sliceY returns the XZ plane at y (Z rows, X columns).
func sliceY(v volume, y int) ([][]float32, int, int) {
	out := make([][]float32, len(v.ch))
	for k, d := range v.ch {
		if d == nil {
			continue
		}
		s := make([]float32, v.z*v.x)
		for z := 0; z < v.z; z++ {
			copy(s[z*v.x:(z+1)*v.x], d[(z*v.y+y)*v.x:])
		}
		out[k] = s
	}
	return out, v.z, v.x
}

// sliceX returns the YZ plane at x (Y rows, Z columns).
func sliceX(v volume, x int) ([][]float32, int, int) {
	out := make([][]float32, len(v.ch))
	for k, d := range v.ch {
		if d == nil {
			continue
		}
		s := make([]float32, v.y*v.z)
		for z := 0; z < v.z; z++ {
			for y := 0; y < v.y; y++ {
				s[y*v.z+z] = d[(z*v.y+y)*v.x+x]
			}
		}
		out[k] = s
	}
	return out, v.y, v.z
}

// maxZ returns the maximum projection along Z (Y rows, X columns).
func maxZ(v volume) ([][]float32, int, int) {
	out := make([][]float32, len(v.ch))
	n := v.y * v.x
	for k, d := range v.ch {
		if d == nil {
			continue
		}
		s := append([]float32(nil), d[:n]...)
		for z := 1; z < v.z; z++ {
			for i, a := range d[z*n : (z+1)*n] {
				s[i] = max(s[i], a)
			}
		}
		out[k] = s
	}
	return out, v.y, v.x
}
