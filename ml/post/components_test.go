package post

import (
	"testing"
)

func parse2D(rows ...string) ([]uint8, []int) {
	var m []uint8
	for _, r := range rows {
		for _, c := range r {
			if c == '#' {
				m = append(m, 1)
			} else {
				m = append(m, 0)
			}
		}
	}
	return m, []int{len(rows), len(rows[0])}
}

func TestLabel2D(t *testing.T) {
	mask, dims := parse2D(
		"##..#",
		"#...#",
		"..#..",
		".#.##",
	)
	cases := []struct {
		conn Connectivity
		n    int
		want []int32
	}{
		{Conn4, 5, []int32{
			1, 1, 0, 0, 2,
			1, 0, 0, 0, 2,
			0, 0, 3, 0, 0,
			0, 4, 0, 5, 5,
		}},
		{Conn8, 3, []int32{
			1, 1, 0, 0, 2,
			1, 0, 0, 0, 2,
			0, 0, 3, 0, 0,
			0, 3, 0, 3, 3,
		}},
	}
	for _, tc := range cases {
		got, n, err := Label(mask, dims, tc.conn)
		if err != nil {
			t.Fatal(err)
		}
		if n != tc.n {
			t.Errorf("conn %d: n = %d, want %d", tc.conn, n, tc.n)
		}
		for i := range tc.want {
			if got[i] != tc.want[i] {
				t.Fatalf("conn %d: labels\n%v\nwant\n%v", tc.conn, got, tc.want)
			}
		}
	}
}

// TestLabelUShape needs the union step: both arms get different provisional labels
// that merge at the bottom.
func TestLabelUShape(t *testing.T) {
	mask, dims := parse2D(
		"#.#",
		"#.#",
		"###",
	)
	got, n, err := Label(mask, dims, Conn4)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("n = %d, want 1 (labels %v)", n, got)
	}
}

func TestLabel3D(t *testing.T) {
	// 2x2x2 volume: voxel (0,0,0) and (1,1,1) touch only by a corner;
	// (0,0,0) and (1,0,1) share an edge; (0,0,0) and (1,0,0) a face.
	idx := func(z, y, x int) int { return (z*2+y)*2 + x }
	cases := []struct {
		name   string
		second [3]int
		conn   Connectivity
		n      int
	}{
		{"corner 6", [3]int{1, 1, 1}, Conn6, 2},
		{"corner 18", [3]int{1, 1, 1}, Conn18, 2},
		{"corner 26", [3]int{1, 1, 1}, Conn26, 1},
		{"edge 6", [3]int{1, 0, 1}, Conn6, 2},
		{"edge 18", [3]int{1, 0, 1}, Conn18, 1},
		{"face 6", [3]int{1, 0, 0}, Conn6, 1},
	}
	for _, tc := range cases {
		m := make([]uint8, 8)
		m[idx(0, 0, 0)] = 1
		m[idx(tc.second[0], tc.second[1], tc.second[2])] = 1
		_, n, err := Label(m, []int{2, 2, 2}, tc.conn)
		if err != nil {
			t.Fatal(err)
		}
		if n != tc.n {
			t.Errorf("%s: n = %d, want %d", tc.name, n, tc.n)
		}
	}
}

func TestLabelErrors(t *testing.T) {
	cases := []struct {
		name string
		n    int
		dims []int
		conn Connectivity
	}{
		{"8 in 3D", 8, []int{2, 2, 2}, Conn8},
		{"26 in 2D", 4, []int{2, 2}, Conn26},
		{"wrong size", 5, []int{2, 2}, Conn4},
		{"1D", 4, []int{4}, Conn4},
	}
	for _, tc := range cases {
		if _, _, err := Label(make([]uint8, tc.n), tc.dims, tc.conn); err == nil {
			t.Errorf("%s: want an error", tc.name)
		}
	}
}

func TestRemoveSmallObjects(t *testing.T) {
	mask, dims := parse2D(
		"###.#",
		"###..",
		"....#",
		"##..#",
	)
	got, err := RemoveSmallObjects(mask, dims, Conn4, 2)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := parse2D(
		"###..",
		"###..",
		"....#",
		"##..#",
	)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	labels, n, _ := Label(mask, dims, Conn4)
	kept, k, err := RemoveSmallLabels(labels, n, 3)
	if err != nil {
		t.Fatal(err)
	}
	if k != 1 || kept[0] != 1 || kept[14] != 0 {
		t.Errorf("RemoveSmallLabels(min 3): kept %d, labels %v", k, kept)
	}
	if _, err := Sizes([]int32{0, 3}, 2); err == nil {
		t.Error("Sizes with a label above n: want an error")
	}
}

// floodFill is an independent reference labelling (breadth-first search).
func floodFill(mask []uint8, d [3]int, offs [][3]int) ([]int32, int) {
	var full [][3]int
	for _, o := range offs {
		full = append(full, o, [3]int{-o[0], -o[1], -o[2]})
	}
	labels := make([]int32, len(mask))
	n := int32(0)
	for start := range mask {
		if mask[start] == 0 || labels[start] != 0 {
			continue
		}
		n++
		labels[start] = n
		queue := []int{start}
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			z, y, x := i/(d[1]*d[2]), i/d[2]%d[1], i%d[2]
			for _, o := range full {
				nz, ny, nx := z+o[0], y+o[1], x+o[2]
				if nz < 0 || ny < 0 || nx < 0 || nz >= d[0] || ny >= d[1] || nx >= d[2] {
					continue
				}
				j := (nz*d[1]+ny)*d[2] + nx
				if mask[j] != 0 && labels[j] == 0 {
					labels[j] = n
					queue = append(queue, j)
				}
			}
		}
	}
	return labels, int(n)
}

// FuzzLabel checks Label against the flood-fill reference on arbitrary masks.
func FuzzLabel(f *testing.F) {
	f.Add([]byte{1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0}, uint8(3), uint8(0))
	f.Add([]byte{1, 1, 1, 0, 0, 0, 1, 1}, uint8(2), uint8(4))
	f.Fuzz(func(t *testing.T, raw []byte, w uint8, sel uint8) {
		conns := []struct {
			ndim int
			c    Connectivity
		}{{2, Conn4}, {2, Conn8}, {3, Conn6}, {3, Conn18}, {3, Conn26}}
		cc := conns[int(sel)%len(conns)]
		width := int(w)%5 + 1
		mask := make([]uint8, len(raw))
		for i, b := range raw {
			mask[i] = b & 1
		}
		var dims []int
		if cc.ndim == 2 {
			dims = []int{len(mask) / width, width}
		} else {
			dims = []int{len(mask) / (width * 2), 2, width}
		}
		total := 1
		for _, v := range dims {
			total *= v
		}
		mask = mask[:total]
		got, n, err := Label(mask, dims, cc.c)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := dims3(dims, total)
		offs, _ := offsets(cc.ndim, cc.c)
		want, wn := floodFill(mask, d, offs)
		if n != wn {
			t.Fatalf("n = %d, flood fill %d", n, wn)
		}
		// Both number components in raster order of their first voxel, so they agree exactly.
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("labels %v, flood fill %v", got, want)
			}
		}
	})
}
