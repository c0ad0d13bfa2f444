package instance

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestCenters(t *testing.T) {
	rows := "aaaa..\n.bbbb." // a: x 0..3 (mean 1.5), b: x 1..4 (mean 2.5)
	ring := "aaa\na.a\naaa"
	ell := "a..\na..\naaa"
	stack := "a.a\n...\n\n.a.\n..." // 3D [2, 2, 3]: (0,0,0), (0,0,2), (1,0,1)
	cases := []struct {
		name, text, method string
		zScale             float64
		want               [][3]int // centres (z, y, x), in raster order
	}{
		{"block centroid", ".....\n.aaa.\n.aaa.\n.aaa.", Centroid, 1, [][3]int{{0, 2, 2}}},
		{"block approximate-medoid", ".....\n.aaa.\n.aaa.\n.aaa.", ApproximateMedoid, 1, [][3]int{{0, 2, 2}}},
		{"block medoid", ".....\n.aaa.\n.aaa.\n.aaa.", Medoid, 1, [][3]int{{0, 2, 2}}},
		{"centroid rounds half to even", rows, Centroid, 1, [][3]int{{0, 0, 2}, {0, 1, 2}}},
		{"approximate-medoid tie to first", rows, ApproximateMedoid, 1, [][3]int{{0, 0, 1}, {0, 1, 2}}},
		{"medoid tie to first", rows, Medoid, 1, [][3]int{{0, 0, 1}, {0, 1, 2}}},
		{"ring centroid in the hole", ring, Centroid, 1, [][3]int{{0, 1, 1}}},
		{"ring approximate-medoid", ring, ApproximateMedoid, 1, [][3]int{{0, 0, 1}}},
		{"ring medoid", ring, Medoid, 1, [][3]int{{0, 0, 1}}},
		{"L centroid outside", ell, Centroid, 1, [][3]int{{0, 1, 1}}},
		{"L approximate-medoid", ell, ApproximateMedoid, 1, [][3]int{{0, 2, 0}}},
		{"L medoid tie (same sums, other order)", ell, Medoid, 1, [][3]int{{0, 1, 0}}},
		{"3D centroid", stack, Centroid, 1, [][3]int{{0, 0, 1}}},
		{"3D approximate-medoid isotropic (tie)", stack, ApproximateMedoid, 1, [][3]int{{0, 0, 0}}},
		{"3D approximate-medoid zScale 0.5", stack, ApproximateMedoid, 0.5, [][3]int{{1, 0, 1}}},
		{"3D medoid isotropic", stack, Medoid, 1, [][3]int{{1, 0, 1}}},
		{"3D medoid zScale 3", stack, Medoid, 3, [][3]int{{0, 0, 0}}},
		{"centroid ignores zScale", stack, Centroid, 3, [][3]int{{0, 0, 1}}},
		{"no instances", "...\n...", Medoid, 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			labels, shape := parseLabelMap(t, tc.text)
			got, err := Centers(labels, shape, tc.method, tc.zScale)
			if err != nil {
				t.Fatal(err)
			}
			var want []int
			for _, c := range tc.want {
				want = append(want, index(shape, c[0], c[1], c[2]))
			}
			if g := ones(got); !slices.Equal(g, want) {
				t.Errorf("centres at %v, want %v", g, want)
			}
		})
	}
}

func TestCentersErrors(t *testing.T) {
	big := make([]int32, MaxMedoidPixels+1)
	for i := range big {
		big[i] = 3
	}
	cases := []struct {
		name   string
		labels []int32
		shape  [3]int
		method string
		zScale float64
		want   string
	}{
		{"unknown method", []int32{1}, [3]int{1, 1, 1}, "mean", 1, `"centroid", "approximate-medoid" or "medoid"`},
		{"shape mismatch", []int32{1, 2}, [3]int{1, 1, 3}, Centroid, 1, "needs 3"},
		{"zero extent", nil, [3]int{0, 1, 1}, Centroid, 1, "below 1"},
		{"zScale 0", []int32{1}, [3]int{1, 1, 1}, Medoid, 0, "zScale"},
		{"zScale NaN", []int32{1}, [3]int{1, 1, 1}, Medoid, math.NaN(), "zScale"},
		{"negative label", []int32{0, -2}, [3]int{1, 1, 2}, Centroid, 1, "negative label -2 at index 1"},
		{"medoid too large", big, [3]int{1, 1, len(big)}, Medoid, 1, "MaxMedoidPixels"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Centers(tc.labels, tc.shape, tc.method, tc.zScale)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if _, err := Centers(big, [3]int{1, 1, len(big)}, Medoid, 1); !errors.Is(err, ErrMedoidTooLarge) {
		t.Errorf("medoid of %d voxels: %v does not wrap ErrMedoidTooLarge", len(big), err)
	}
	if _, err := Centers(big, [3]int{1, 1, len(big)}, ApproximateMedoid, 1); err != nil {
		t.Errorf("approximate-medoid of a large instance: %v", err)
	}
}

// TestCentersBruteForce compares both medoid methods with a direct computation over the
// full distance matrix, on random 3D label images with anisotropy.
func TestCentersBruteForce(t *testing.T) {
	shape := [3]int{3, 7, 9}
	for seed := range 30 {
		labels := randomLabels(seed, shape[0]*shape[1]*shape[2], 5)
		zScale := []float64{1, 2.5, 0.4}[seed%3]
		for _, method := range []string{ApproximateMedoid, Medoid} {
			got, err := Centers(labels, shape, method, zScale)
			if err != nil {
				t.Fatal(err)
			}
			want := bruteCenters(labels, shape, method, zScale)
			if !slices.Equal(ones(got), want) {
				t.Fatalf("seed %d %s: centres %v, brute force %v", seed, method, ones(got), want)
			}
		}
	}
}

// bruteCenters finds the medoid or approximate medoid of every instance directly.
func bruteCenters(labels []int32, shape [3]int, method string, zScale float64) []int {
	pos := func(i int) [3]float64 {
		return [3]float64{float64(i/(shape[1]*shape[2])) * zScale, float64(i / shape[2] % shape[1]), float64(i % shape[2])}
	}
	var centres []int
	for id := int32(1); id <= slices.Max(labels); id++ {
		var vox []int
		for i, l := range labels {
			if l == id {
				vox = append(vox, i)
			}
		}
		if len(vox) == 0 {
			continue
		}
		score := make([]float64, len(vox))
		if method == Medoid {
			dist := make([][]float64, len(vox))
			for a, i := range vox {
				dist[a] = make([]float64, len(vox))
				for b, j := range vox {
					p, q := pos(i), pos(j)
					dist[a][b] = math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
				}
			}
			for a := range vox {
				for b := range vox {
					score[a] += dist[a][b]
				}
			}
		} else {
			var med [3]float64
			for ax := range 3 {
				var v []float64
				for _, i := range vox {
					v = append(v, pos(i)[ax])
				}
				slices.Sort(v)
				med[ax] = (v[(len(v)-1)/2] + v[len(v)/2]) / 2
			}
			for a, i := range vox {
				p := pos(i)
				score[a] = (p[0]-med[0])*(p[0]-med[0]) + (p[1]-med[1])*(p[1]-med[1]) + (p[2]-med[2])*(p[2]-med[2])
			}
		}
		best := 0
		for a := range vox {
			if score[a] < score[best]*(1-1e-10) {
				best = a
			}
		}
		centres = append(centres, vox[best])
	}
	slices.Sort(centres)
	return centres
}

// TestCentersOnePerInstance checks that every method marks one voxel per instance.
func TestCentersOnePerInstance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shape := [3]int{1, 64, 64}
	labels := make([]int32, 64*64)
	for i := range labels {
		if rng.IntN(3) > 0 {
			labels[i] = int32(1 + (i/64/8)*8 + i%64/8) // 8×8 blocks, 64 ids
		}
	}
	for _, m := range CenterMethods {
		got, err := Centers(labels, shape, m, 1)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(ones(got)); n != 64 {
			t.Errorf("%s: %d centres for 64 instances", m, n)
		}
	}
}
