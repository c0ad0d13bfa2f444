package instance

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestClusterRecoversInstances clusters exact synthetic predictions and expects the
// ground truth back: touching instances, instances on borders and corners, non-convex
// ones, in 2D and in anisotropic 3D.
func TestClusterRecoversInstances(t *testing.T) {
	fixture, fshape := readLabelMap(t, "objects2d.txt")
	vol, vshape := boxes3D()
	aniso := DefaultClusterOptions(3)
	aniso.Step[0] = 4 * DefaultStep
	aniso.MinMaskSum = 10
	cases := []struct {
		name   string
		labels []int32
		shape  [3]int
		o      ClusterOptions
		reach  float64
	}{
		{"2D fixture", fixture, fshape, DefaultClusterOptions(2), 1.5},
		{"2D fixture, coarse step", fixture, fshape, withStep(DefaultClusterOptions(2), 1.0/255), 1.5},
		{"3D boxes, z step ×4", vol, vshape, aniso, 1.5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := synth{dims: tc.o.Dims, step: tc.o.Step, reachPx: tc.reach}
			pred := s.pred(tc.labels, tc.shape, rand.New(rand.NewPCG(1, 1)))
			got, n, err := Cluster(pred, tc.shape, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(tc.labels)
			wn := Relabel(want)
			if n != wn || !slices.Equal(got, want) {
				t.Fatalf("got %d instances, want %d; labels differ at %d voxels", n, wn, countDiff(got, want))
			}
		})
	}
}

// TestClusterOptionsEffects checks the stopping and size rules on a hand-made 2D map:
// a (20 voxels), b (6), c (5); seeds fall from a to c (a's centre seed is highest).
func TestClusterOptionsEffects(t *testing.T) {
	labels, shape := parseLabelMap(t, `
aaaaa......
aaaaa..bbb.
aaaaa..bbb.
aaaaa......
...........
ccccc......`)
	s := synth{dims: 2, step: DefaultClusterOptions(2).Step, reachPx: 1}
	pred := s.pred(labels, shape, rand.New(rand.NewPCG(1, 1)))
	v := len(labels)
	for i, l := range labels { // seed logits: a 3, b 2, c 1 (seeds 0.95, 0.88, 0.73)
		if l != 0 {
			pred[4*v+i] = float32(4 - l)
		}
	}
	base := DefaultClusterOptions(2)
	cases := []struct {
		name string
		edit func(o *ClusterOptions)
		want string // ids of the kept instances, in order
	}{
		{"defaults: c has 5 voxels, not more than 5", func(o *ClusterOptions) {}, "ab"},
		{"MinObjectSize 4 keeps c", func(o *ClusterOptions) { o.MinObjectSize = 4 }, "abc"},
		{"MinObjectSize 6 drops b", func(o *ClusterOptions) { o.MinObjectSize = 6; o.MinUnclusteredSum = 0 }, "a"},
		{"MinUnclusteredSum 11 stops after a", func(o *ClusterOptions) { o.MinUnclusteredSum = 11; o.MinObjectSize = 0 }, "a"},
		{"MinUnclusteredSum 10 goes on", func(o *ClusterOptions) { o.MinUnclusteredSum = 10; o.MinObjectSize = 0 }, "ab"},
		{"SeedThresh 0.9 keeps only a", func(o *ClusterOptions) { o.SeedThresh = 0.9 }, "a"},
		{"FgThresh 0.8 hides c", func(o *ClusterOptions) { o.FgThresh = 0.8; o.MinObjectSize = 0 }, "ab"},
		{"MinMaskSum 31 gives nothing", func(o *ClusterOptions) { o.MinMaskSum = 31 }, ""},
		{"MinMaskSum 30 clusters", func(o *ClusterOptions) { o.MinMaskSum = 30 }, "ab"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			tc.edit(&o)
			got, n, err := Cluster(pred, shape, o)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]int32, v)
			for i, l := range labels {
				if k := strings.IndexByte(tc.want, byte('a'+l-1)); l != 0 && k >= 0 {
					want[i] = int32(k + 1)
				}
			}
			if n != len(tc.want) || !slices.Equal(got, want) {
				t.Errorf("n = %d, labels differ from %q at %d voxels", n, tc.want, countDiff(got, want))
			}
		})
	}
}

func TestClusterAllBackground(t *testing.T) {
	shape := [3]int{1, 16, 16}
	pred := make([]float32, 5*256)
	for i := 4 * 256; i < len(pred); i++ {
		pred[i] = -2
	}
	got, n, err := Cluster(pred, shape, DefaultClusterOptions(2))
	if err != nil || n != 0 || slices.ContainsFunc(got, func(l int32) bool { return l != 0 }) || len(got) != 256 {
		t.Fatalf("all background: n = %d, err = %v", n, err)
	}
}

// TestClusterFastEqualsNaive compares the cell-grid pass with the all-voxel pass and
// with a direct transcription of the algorithm, on random and noisy predictions (many
// rejected and overwritten proposals).
func TestClusterFastEqualsNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 12 {
		dims := 2 + trial%2
		shape := [3]int{1, 40, 48}
		if dims == 3 {
			shape = [3]int{6, 18, 20}
		}
		o := DefaultClusterOptions(dims)
		o.Step = [3]float64{1.0 / 31, 1.0 / 63, 1.0 / 63}
		o.MinObjectSize, o.MinUnclusteredSum, o.MinMaskSum = trial%4, trial%3, 2
		var pred []float32
		if trial < 6 {
			pred = randomPred(rng, dims, shape, o.Step)
		} else {
			labels := discs(shape[0]*shape[1], shape[2], 4, 4, 3, 9, rng)
			pred = synth{dims: dims, step: o.Step, reachPx: 2.5, noisePx: 1}.pred(labels, shape, rng)
		}
		fast, nf, err := cluster(pred, shape, o, true)
		if err != nil {
			t.Fatal(err)
		}
		naive, nn, _ := cluster(pred, shape, o, false)
		ref, nr := referenceCluster(pred, shape, o)
		if nf != nn || !slices.Equal(fast, naive) || nf != nr || !slices.Equal(fast, ref) {
			t.Fatalf("trial %d (%dD): fast %d instances, naive %d, reference %d; fast≠naive at %d voxels, fast≠reference at %d",
				trial, dims, nf, nn, nr, countDiff(fast, naive), countDiff(fast, ref))
		}
		if nf < 2 {
			t.Fatalf("trial %d: only %d instances: the case tests little", trial, nf)
		}
	}
}

// TestClusterDeterministicAcrossProcs runs passes large enough to go parallel with
// GOMAXPROCS 1, 2 and 4.
func TestClusterDeterministicAcrossProcs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	shape := [3]int{1, 256, 256}
	o := DefaultClusterOptions(2)
	labels := discs(256, 256, 6, 6, 12, 30, rng)
	pred := synth{dims: 2, step: o.Step, reachPx: 6, noisePx: 1.5}.pred(labels, shape, rng)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var first []int32
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for _, fast := range []bool{true, false} {
			got, n, err := cluster(pred, shape, o, fast)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = got
				if n < 30 {
					t.Fatalf("only %d instances of 36", n)
				}
			} else if !slices.Equal(got, first) {
				t.Fatalf("GOMAXPROCS %d fast=%v differs at %d voxels", procs, fast, countDiff(got, first))
			}
		}
	}
}

func TestClusterErrors(t *testing.T) {
	good := DefaultClusterOptions(2)
	shape := [3]int{1, 4, 4}
	pred := make([]float32, 5*16)
	nan := slices.Clone(pred)
	nan[3*16+2*4+1] = float32(math.NaN())
	cases := []struct {
		name  string
		pred  []float32
		shape [3]int
		edit  func(o *ClusterOptions)
		want  string
	}{
		{"dims", pred, shape, func(o *ClusterOptions) { o.Dims = 4 }, "Dims 4"},
		{"step", pred, shape, func(o *ClusterOptions) { o.Step[2] = 0 }, "Step[2] (axis x)"},
		{"step NaN", pred, shape, func(o *ClusterOptions) { o.Step[1] = math.NaN() }, "Step[1] (axis y)"},
		{"fg thresh", pred, shape, func(o *ClusterOptions) { o.FgThresh = 1.5 }, "FgThresh"},
		{"seed thresh", pred, shape, func(o *ClusterOptions) { o.SeedThresh = -0.1 }, "SeedThresh"},
		{"min sizes", pred, shape, func(o *ClusterOptions) { o.MinObjectSize = -1 }, "MinObjectSize"},
		{"length", pred[1:], shape, nil, "5 channels of shape [1 4 4] need 80"},
		{"3D shape in 2D", make([]float32, 5*32), [3]int{2, 4, 4}, nil, "2D clustering needs shape [1, Y, X]"},
		{"NaN", nan, shape, nil, "channel 3 (sigma y) is NaN at z=0 y=2 x=1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			if tc.edit != nil {
				tc.edit(&o)
			}
			_, _, err := Cluster(tc.pred, tc.shape, o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// referenceCluster transcribes the clustering algorithm directly: argmax over all
// voxels each round, distances to every foreground voxel, float64 throughout except
// where Cluster stores float32 (embeddings and seeds).
func referenceCluster(pred []float32, shape [3]int, o ClusterOptions) ([]int32, int) {
	d := o.Dims
	v := shape[0] * shape[1] * shape[2]
	labels := make([]int32, v)
	var fg []int
	for i := 0; i < v; i++ {
		if 1/(1+math.Exp(-float64(pred[2*d*v+i]))) > o.FgThresh {
			fg = append(fg, i)
		}
	}
	if len(fg) <= o.MinMaskSum {
		return labels, 0
	}
	emb := make([][3]float64, len(fg))
	seed := make([]float64, len(fg))
	for k, i := range fg {
		c := [3]int{i % shape[2], i / shape[2] % shape[1], i / (shape[1] * shape[2])}
		for a := 0; a < d; a++ {
			emb[k][a] = float64(float32(math.Tanh(float64(pred[a*v+i])) + float64(c[a])*o.Step[2-a]))
		}
		seed[k] = float64(float32(1 / (1 + math.Exp(-float64(pred[2*d*v+i])))))
	}
	unclustered := make([]float64, len(fg))
	for k := range unclustered {
		unclustered[k] = 1
	}
	lab := make([]int32, len(fg))
	next := int32(1)
	sum := func(x []float64) (s float64) {
		for _, u := range x {
			s += u
		}
		return s
	}
	for sum(unclustered) > float64(o.MinUnclusteredSum) {
		best := 0
		for k := range seed {
			if seed[k]*unclustered[k] > seed[best]*unclustered[best] {
				best = k
			}
		}
		if seed[best]*unclustered[best] < o.SeedThresh {
			break
		}
		unclustered[best] = 0
		var prop []int
		for k := range fg {
			q := 0.0
			for a := 0; a < d; a++ {
				b := math.Exp(min(10*float64(pred[(d+a)*v+fg[best]]), 700))
				q += b * (emb[k][a] - emb[best][a]) * (emb[k][a] - emb[best][a])
			}
			if math.Exp(-q) > 0.5 {
				prop = append(prop, k)
			}
		}
		fresh := 0.0
		for _, k := range prop {
			fresh += unclustered[k]
		}
		if len(prop) > o.MinObjectSize && fresh/float64(len(prop)) > 0.5 {
			for _, k := range prop {
				lab[k] = next
			}
			next++
		}
		for _, k := range prop {
			unclustered[k] = 0
		}
	}
	for k, i := range fg {
		labels[i] = lab[k]
	}
	return labels, Relabel(labels)
}

// randomPred returns a prediction with random offsets (reach up to a few voxels),
// sigmas and seeds: clusters overlap, proposals get rejected and overwritten.
func randomPred(rng *rand.Rand, dims int, shape [3]int, step [3]float64) []float32 {
	v := shape[0] * shape[1] * shape[2]
	pred := make([]float32, (2*dims+1)*v)
	for a := 0; a < dims; a++ {
		for i := 0; i < v; i++ {
			pred[a*v+i] = float32(rng.NormFloat64() * 4 * step[2-a])
			r := (1 + 4*rng.Float64()) * step[2-a]
			pred[(dims+a)*v+i] = float32(math.Log(math.Ln2/(r*r)) / 10)
		}
	}
	for i := 0; i < v; i++ {
		pred[2*dims*v+i] = float32(rng.NormFloat64() + 0.5)
	}
	return pred
}

// boxes3D returns a [6, 12, 14] label volume of boxes: touching pairs, boxes on the
// volume's faces and corners.
func boxes3D() ([]int32, [3]int) {
	shape := [3]int{6, 12, 14}
	labels := make([]int32, shape[0]*shape[1]*shape[2])
	boxes := [][6]int{ // z0, z1, y0, y1, x0, x1 (exclusive ends)
		{0, 3, 0, 4, 0, 5}, {0, 3, 0, 4, 5, 9}, {3, 6, 0, 4, 0, 5}, {2, 6, 6, 12, 9, 14},
		{1, 5, 5, 9, 2, 6}, {4, 6, 9, 12, 0, 3},
	}
	for id, b := range boxes {
		for z := b[0]; z < b[1]; z++ {
			for y := b[2]; y < b[3]; y++ {
				for x := b[4]; x < b[5]; x++ {
					labels[index(shape, z, y, x)] = int32(id + 1)
				}
			}
		}
	}
	return labels, shape
}

func withStep(o ClusterOptions, s float64) ClusterOptions {
	o.Step = [3]float64{s, s, s}
	return o
}

func countDiff(a, b []int32) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}
