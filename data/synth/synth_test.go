package synth

import (
	"math"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/array"
)

var shapes = []struct {
	name  string
	shape []int
}{
	{"2D 64x64", []int{64, 64}},
	{"2D 96x128", []int{96, 128}},
	{"3D 16x32x32", []int{16, 32, 32}},
	{"3D 24x64x48", []int{24, 64, 48}},
}

// neighbours calls f for each face neighbour of voxel i in a [Z Y X] volume.
func neighbours(i int, sh [3]int, f func(j int)) {
	nz, ny, nx := sh[0], sh[1], sh[2]
	x, y, z := i%nx, (i/nx)%ny, i/(nx*ny)
	if x > 0 {
		f(i - 1)
	}
	if x < nx-1 {
		f(i + 1)
	}
	if y > 0 {
		f(i - nx)
	}
	if y < ny-1 {
		f(i + nx)
	}
	if z > 0 {
		f(i - nx*ny)
	}
	if z < nz-1 {
		f(i + nx*ny)
	}
}

func vol(shape []int) [3]int {
	if len(shape) == 2 {
		return [3]int{1, shape[0], shape[1]}
	}
	return [3]int{shape[0], shape[1], shape[2]}
}

func TestNucleiMasksAreExact(t *testing.T) {
	for _, tc := range shapes {
		for seed := uint64(1); seed <= 4; seed++ {
			nu, err := GenerateNuclei(Options{Shape: tc.shape, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			want := append([]int{1}, tc.shape...)
			for name, a := range map[string]*array.Array{"Image": nu.Image, "Mask": nu.Mask, "Labels": nu.Labels} {
				if !array.SameShape(a.Shape, want) {
					t.Fatalf("%s seed %d: %s shape %v, want %v", tc.name, seed, name, a.Shape, want)
				}
			}
			if nu.Count < 2 {
				t.Errorf("%s seed %d: only %d nuclei", tc.name, seed, nu.Count)
			}
			sh := vol(tc.shape)
			seen := make([]bool, nu.Count+1)
			var inSum, outSum float64
			var inN, outN int
			for i, l := range nu.Labels.Data {
				if l != float32(int(l)) || l < 0 || int(l) > nu.Count {
					t.Fatalf("%s seed %d: label %v not in 0..%d", tc.name, seed, l, nu.Count)
				}
				if (l > 0) != (nu.Mask.Data[i] == 1) || (l == 0) != (nu.Mask.Data[i] == 0) {
					t.Fatalf("%s seed %d: mask %v disagrees with label %v at %d", tc.name, seed, nu.Mask.Data[i], l, i)
				}
				seen[int(l)] = true
				if l > 0 {
					inSum += float64(nu.Image.Data[i])
					inN++
				} else {
					outSum += float64(nu.Image.Data[i])
					outN++
				}
			}
			for l := 1; l <= nu.Count; l++ {
				if !seen[l] {
					t.Errorf("%s seed %d: label %d of %d is empty", tc.name, seed, l, nu.Count)
				}
			}
			if inSum/float64(inN) < outSum/float64(outN)+0.3 {
				t.Errorf("%s seed %d: nuclei mean %.3f not well above background %.3f", tc.name, seed, inSum/float64(inN), outSum/float64(outN))
			}
			// Each label is one face-connected region.
			comp := make([]bool, len(nu.Labels.Data))
			regions := 0
			for i, l := range nu.Labels.Data {
				if l == 0 || comp[i] {
					continue
				}
				regions++
				stack := []int{i}
				comp[i] = true
				for len(stack) > 0 {
					k := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					neighbours(k, sh, func(j int) {
						if !comp[j] && nu.Labels.Data[j] == l {
							comp[j] = true
							stack = append(stack, j)
						}
					})
				}
			}
			if regions != nu.Count {
				t.Errorf("%s seed %d: %d connected regions for %d labels", tc.name, seed, regions, nu.Count)
			}
		}
	}
}

// touchingPairs counts distinct label pairs that share a face.
func touchingPairs(labels []float32, sh [3]int) int {
	pairs := map[[2]float32]bool{}
	for i, l := range labels {
		if l == 0 {
			continue
		}
		neighbours(i, sh, func(j int) {
			if m := labels[j]; m != 0 && m != l {
				pairs[[2]float32{min(l, m), max(l, m)}] = true
			}
		})
	}
	return len(pairs)
}

func TestTouchingNuclei(t *testing.T) {
	for _, tc := range shapes {
		total := 0
		for seed := uint64(1); seed <= 4; seed++ {
			nu, err := GenerateNuclei(Options{Shape: tc.shape, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			total += touchingPairs(nu.Labels.Data, vol(tc.shape))
		}
		if total == 0 {
			t.Errorf("%s: no touching nuclei in 4 scenes", tc.name)
		}
		nu, err := GenerateNuclei(Options{Shape: tc.shape, Seed: 9, Touching: -1})
		if err != nil {
			t.Fatal(err)
		}
		if n := touchingPairs(nu.Labels.Data, vol(tc.shape)); n != 0 {
			t.Errorf("%s: Touching<0 still gave %d touching pairs", tc.name, n)
		}
	}
}

func equal(a, b *array.Array) bool {
	if !array.SameShape(a.Shape, b.Shape) {
		return false
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			return false
		}
	}
	return true
}

func TestGenerateDeterministic(t *testing.T) {
	for _, kind := range []Kind{Semantic, Instance, Denoise, Deblur, LabelFree, Stain, Unpaired} {
		for _, tc := range shapes[:3] {
			a, err := Generate(kind, Options{Shape: tc.shape, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Generate(kind, Options{Shape: tc.shape, Seed: 5})
			c, _ := Generate(kind, Options{Shape: tc.shape, Seed: 6})
			for _, k := range []string{"IM", "GT"} {
				if !equal(a.Arrays[k], b.Arrays[k]) {
					t.Errorf("%s %s: %s differs between two runs with one seed", kind, tc.name, k)
				}
			}
			if equal(a.Arrays["IM"], c.Arrays["IM"]) {
				t.Errorf("%s %s: seeds 5 and 6 give the same IM", kind, tc.name)
			}
			if _, err := a.Spatial(); err != nil {
				t.Error(err)
			}
		}
	}
}

func TestNoisyCleanStatistics(t *testing.T) {
	n := Noise{Photons: 50, ReadSigma: 0.02}
	noisy, clean, err := NoisyClean(Options{Shape: []int{128, 128}, Seed: 3}, n)
	if err != nil {
		t.Fatal(err)
	}
	// Residual variance should follow the camera model: v/Photons + ReadSigma².
	var sumRes, sumWant, sumDiff float64
	for i, c := range clean.Data {
		d := float64(noisy.Data[i] - c)
		sumDiff += d
		sumRes += d * d
		sumWant += math.Max(0, float64(c))/n.Photons + n.ReadSigma*n.ReadSigma
	}
	N := float64(len(clean.Data))
	if mean := sumDiff / N; math.Abs(mean) > 0.01 {
		t.Errorf("noise is biased: mean residual %v", mean)
	}
	if ratio := sumRes / sumWant; ratio < 0.9 || ratio > 1.1 {
		t.Errorf("residual variance / model variance = %.3f, want ≈1", ratio)
	}
}

// gradEnergy sums squared x-differences, a high-frequency measure.
func gradEnergy(a *array.Array) float64 {
	nx := a.Shape[len(a.Shape)-1]
	var s float64
	for i := 1; i < len(a.Data); i++ {
		if i%nx != 0 {
			d := float64(a.Data[i] - a.Data[i-1])
			s += d * d
		}
	}
	return s
}

func TestBlurredSharpAndLabelFree(t *testing.T) {
	for _, tc := range shapes {
		bl, sh, err := BlurredSharp(Options{Shape: tc.shape, Seed: 2}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if gradEnergy(bl) > 0.5*gradEnergy(sh) {
			t.Errorf("%s: blurred gradient energy %.3g not well below sharp %.3g", tc.name, gradEnergy(bl), gradEnergy(sh))
		}
		bf, fl, err := BrightfieldFluorescence(Options{Shape: tc.shape, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		nu, _ := GenerateNuclei(Options{Shape: tc.shape, Seed: 2})
		if !equal(fl, nu.Image) {
			t.Errorf("%s: label-free target is not the scene's fluorescence image", tc.name)
		}
		// Bright field: grey background, darker (denser) on average inside nuclei.
		var bgS, inS float64
		var bgN, inN int
		cells, _ := nu.scene.rasterize(2.5) // well outside every cell body
		for i, m := range nu.Mask.Data {
			if m == 1 {
				inS += float64(bf.Data[i])
				inN++
			} else if cells[i] == 0 {
				bgS += float64(bf.Data[i])
				bgN++
			}
		}
		if bg := bgS / float64(bgN); math.Abs(bg-0.6) > 0.05 {
			t.Errorf("%s: bright-field background %.3f, want ≈0.6", tc.name, bg)
		}
		if inS/float64(inN) >= bgS/float64(bgN) {
			t.Errorf("%s: nuclei not darker than background in bright field", tc.name)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Shape: []int{64}}, "Shape must be"},
		{Options{Shape: []int{2, 64}}, "each extent"},
		{Options{Shape: []int{64, 64}, MinRadius: 5, MaxRadius: 3}, "MinRadius=5 MaxRadius=3"},
		{Options{Shape: []int{64, 64}, Touching: 2}, "Touching 2"},
		{Options{Shape: []int{64, 64}, Objects: -1}, "Objects -1"},
	} {
		_, err := GenerateNuclei(tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.o, err, tc.want)
		}
	}
	if _, err := ParseKind("bogus"); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("ParseKind: %v", err)
	}
	if _, err := Generate("bogus", Options{Shape: []int{8, 8}}); err == nil {
		t.Error("Generate accepted an unknown kind")
	}
	if _, _, err := NoisyClean(Options{Shape: []int{8, 8}}, Noise{Photons: -1}); err == nil {
		t.Error("negative photons accepted")
	}
}

func BenchmarkGenerate(b *testing.B) {
	for _, tc := range []struct {
		name  string
		shape []int
	}{{"2D_64", []int{64, 64}}, {"3D_16x32x32", []int{16, 32, 32}}, {"3D_32x128x128", []int{32, 128, 128}}} {
		for _, k := range []Kind{Instance, Denoise, LabelFree} {
			b.Run(tc.name+"/"+string(k), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					if _, err := Generate(k, Options{Shape: tc.shape, Seed: uint64(i)}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
