package framework

import (
	stdctx "context"
	"math"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/instance"
)

// idealOutput is the raw output a perfect EmbedSeg net would give for the
// instance labels gt ([Z, Y, X] = sp): offsets that carry every object voxel
// to its object's centroid, a narrow bandwidth and a confident seed. Offsets
// are relative to each voxel, so this output is the same in any window.
func idealOutput(gt []float32, sp [3]int, dims int, step [3]float64) []float32 {
	n := sp[0] * sp[1] * sp[2]
	sum := map[int32][3]float64{}
	cnt := map[int32]float64{}
	for i, v := range gt {
		if v == 0 {
			continue
		}
		id := int32(v)
		c := sum[id]
		c[0] += float64(i / (sp[1] * sp[2]))
		c[1] += float64(i / sp[2] % sp[1])
		c[2] += float64(i % sp[2])
		sum[id], cnt[id] = c, cnt[id]+1
	}
	out := make([]float32, (2*dims+1)*n)
	for i, v := range gt {
		pos := [3]float64{float64(i / (sp[1] * sp[2])), float64(i / sp[2] % sp[1]), float64(i % sp[2])}
		seed := float32(-6)
		if v != 0 {
			seed = 6
			c := sum[int32(v)]
			for k := 0; k < dims; k++ { // channel k is axis x, y, z
				a := 2 - k
				d := (c[a]/cnt[int32(v)] - pos[a]) * step[a]
				out[k*n+i] = float32(math.Atanh(d))
			}
		}
		for k := 0; k < dims; k++ {
			out[(dims+k)*n+i] = 1.2 // bandwidth e^12: a reach of about 3 voxels
		}
		out[2*dims*n+i] = seed
	}
	return out
}

// Predicting in sliding windows smaller than the image (objects cut by
// window borders, 2D and 3D) stitches the raw outputs and clusters the whole
// image once: the instances are the true ones, whatever the tiling.
func TestEmbedSegTilingKeepsObjectsWhole(t *testing.T) {
	for _, tc := range []struct {
		name    string
		shape   []int
		windows [][]int
	}{
		{"2D", []int{96, 112}, [][]int{{32, 32}, {48, 40}, {96, 112}}},
		{"3D", []int{12, 48, 48}, [][]int{{8, 24, 24}, {12, 16, 48}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dims := len(tc.shape)
			o := synth.Options{Shape: tc.shape, Seed: 5, MinRadius: 5, MaxRadius: 9, Touching: 0.5}
			s, err := synth.Generate(synth.Instance, o)
			if err != nil {
				t.Fatal(err)
			}
			gt := s.Arrays["GT"].Data
			sp := [3]int{1, 1, 1}
			copy(sp[3-dims:], tc.shape)
			e := EmbedSeg{Dims: dims}.withDefaults()
			raw := idealOutput(gt, sp, dims, e.Step)
			truth := make([]int32, len(gt))
			for i, v := range gt {
				truth[i] = int32(v)
			}
			c := 2*dims + 1
			identity := func(_ stdctx.Context, in []float32, shape []int) ([]float32, []int, error) {
				return in, shape, nil
			}
			for _, w := range tc.windows {
				out, shape, err := infer.Predict(stdctx.Background(), raw, append([]int{c}, tc.shape...), identity,
					infer.Options{Window: w, Overlap: 0.25})
				if err != nil {
					t.Fatal(err)
				}
				labels, ls, err := e.clusterOutput(out, shape)
				if err != nil {
					t.Fatal(err)
				}
				if ls[0] != 1 || len(labels) != len(gt) {
					t.Fatalf("labels shape %v", ls)
				}
				ids := make([]int32, len(labels))
				for i, v := range labels {
					ids[i] = int32(v)
				}
				r, err := instance.Match(ids, truth, []float64{0.5, 0.9})
				if err != nil {
					t.Fatal(err)
				}
				if r.Accuracy[1] != 1 || r.NPred != r.NTrue {
					t.Fatalf("window %v: %d objects found for %d true, AP@0.9 %.3f: objects were cut or merged", w, r.NPred, r.NTrue, r.Accuracy[1])
				}
			}
		})
	}
}
