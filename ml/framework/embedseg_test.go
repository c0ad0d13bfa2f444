package framework

import (
	stdctx "context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/instance"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

func TestEmbedSegValidate(t *testing.T) {
	ok := EmbedSeg{Net: nets.BranchedERFNet{Dims: 2}, Dims: 2, Trainer: train.Config{Epochs: 1}}
	for _, tc := range []struct {
		name string
		edit func(*EmbedSeg)
		want string // "" = valid
	}{
		{"valid", func(*EmbedSeg) {}, ""},
		{"dims", func(e *EmbedSeg) { e.Dims = 4 }, "model.net.dims"},
		{"metric", func(e *EmbedSeg) { e.Metrics = []string{"dice"} }, `model.metrics: unknown embedseg metric "dice"`},
		{"tta", func(e *EmbedSeg) { e.Predict.TTA = TTAFlips }, "model.predict.tta"},
		{"output", func(e *EmbedSeg) { e.Predict.Output = OutputProb }, "model.predict.output"},
		{"cluster", func(e *EmbedSeg) { e.Cluster.SeedThresh = 2 }, "model.cluster"},
		{"net", func(e *EmbedSeg) { e.Net = nets.BranchedERFNet{Dims: 2, InChannels: 20} }, "model.net.in_channels"},
		{"window", func(e *EmbedSeg) { e.Predict.Window = []int{60, 64} }, "model.predict.window[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ok
			tc.edit(&e)
			ps := e.Validate()
			if tc.want == "" {
				if len(ps) > 0 {
					t.Fatalf("want valid, got %v", ps)
				}
				return
			}
			if !strings.Contains(ps.Err().Error(), tc.want) {
				t.Fatalf("want a problem at %q, got %v", tc.want, ps)
			}
		})
	}
}

// EmbedSegData renumbers each crop's ids 1..K in raster order and leaves the
// centres as they are.
func TestEmbedSegDataRelabels(t *testing.T) {
	y := train.Tensor{Shape: []int{2, 2, 2, 2}, Data: []float32{
		0, 7, 7, 300 /* centres */, 0, 1, 0, 1,
		5, 5, 0, 0 /* centres */, 1, 0, 0, 0,
	}}
	ds := EmbedSegData{Dataset: &train.Samples{Items: []train.Sample{
		{X: train.Tensor{Shape: []int{1, 2, 2}, Data: make([]float32, 4)}, Y: train.Tensor{Shape: []int{2, 2, 2}, Data: y.Data[:8]}},
		{X: train.Tensor{Shape: []int{1, 2, 2}, Data: make([]float32, 4)}, Y: train.Tensor{Shape: []int{2, 2, 2}, Data: y.Data[8:]}},
	}, BatchSize: 2}}
	b, err := ds.Batch(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 1, 1, 2, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0}
	for i, v := range want {
		if b.Y.Data[i] != v {
			t.Fatalf("relabelled target %v, want %v", b.Y.Data, want)
		}
	}
	if y.Data[3] != 300 {
		t.Fatal("the source batch was modified")
	}
}

// An untrained EmbedSeg model accepts inputs whose size is not a multiple of
// 8 (padded inside the graph), trains a step on them, and predicts instance
// labels of the input's size; its validation clusters the crops.
func TestEmbedSegPadsAndPredictsLabels(t *testing.T) {
	o := synth.Options{Shape: []int{44, 52}, MinRadius: 4, MaxRadius: 7}
	samples := synthSamples(t, synth.Instance, o, 1, 2)
	items := embedSegSamples(t, samples, instance.ApproximateMedoid)
	data := EmbedSegData{Dataset: &train.Samples{Items: items, BatchSize: 2}}
	e := EmbedSeg{Net: nets.BranchedERFNet{Dims: 2}, Dims: 2, Metrics: []string{"ap50", "f1"},
		Trainer: train.Config{Epochs: 1, Seed: 1}}
	m, err := New(learnBackend(t), e)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Train(stdctx.Background(), data, data)
	if err != nil {
		t.Fatal(err)
	}
	h := res.History[len(res.History)-1]
	if _, ok := h.Val["ap50"]; !ok {
		t.Fatalf("validation has no ap50: %v", h.Val)
	}
	in := samples[0].Arrays["IM"]
	out, shape, err := m.Predict(stdctx.Background(), in.Data, in.Shape)
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 3 || shape[0] != 1 || shape[1] != 44 || shape[2] != 52 {
		t.Fatalf("labels shape %v, want [1 44 52]", shape)
	}
	for _, v := range out {
		if v < 0 || v != float32(int32(v)) {
			t.Fatalf("labels hold %v, want instance ids", v)
		}
	}
	raw := e
	raw.Predict = Predict{Output: OutputRaw, Window: []int{24, 24}, Blend: infer.Constant}
	if ps := raw.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
}

// idealEmbedSegOutput is the raw 2D output [5, h, w] of a converged net for the
// instance ids labels: offsets pointing exactly at each object's mean voxel,
// sigmas 1.6, seed logits +5 inside objects and −5 outside.
func idealEmbedSegOutput(labels []int32, h, w int, step float64) []float32 {
	n := h * w
	sum := map[int32][3]float64{}
	for i, l := range labels {
		if l > 0 {
			s := sum[l]
			s[0], s[1], s[2] = s[0]+float64(i%w), s[1]+float64(i/w), s[2]+1
			sum[l] = s
		}
	}
	out := make([]float32, 5*n)
	for i, l := range labels {
		out[2*n+i], out[3*n+i], out[4*n+i] = 1.6, 1.6, -5
		if l == 0 {
			continue
		}
		s := sum[l]
		out[i] = float32(math.Atanh((s[0]/s[2] - float64(i%w)) * step))
		out[n+i] = float32(math.Atanh((s[1]/s[2] - float64(i/w)) * step))
		out[4*n+i] = 5
	}
	return out
}

// Predict.MinSize removes the instances of fewer voxels after clustering.
func TestEmbedSegMinSizePrunesInstances(t *testing.T) {
	const h, w = 12, 16
	labels := make([]int32, h*w)
	for y := range h {
		for x := range w {
			switch {
			case y >= 1 && y < 7 && x >= 1 && x < 7: // 36 voxels
				labels[y*w+x] = 1
			case y >= 8 && y < 11 && x >= 10 && x < 13: // 9 voxels
				labels[y*w+x] = 2
			}
		}
	}
	e := EmbedSeg{Dims: 2, Cluster: instance.ClusterOptions{MinObjectSize: 2, MinMaskSum: 2}}.withDefaults()
	raw := idealEmbedSegOutput(labels, h, w, e.Step[2])
	for _, tc := range []struct{ minSize, want int }{{0, 2}, {9, 2}, {10, 1}, {37, 0}} {
		e.Predict.MinSize = tc.minSize
		got, err := e.clusterLabels(raw, []int{5, h, w})
		if err != nil {
			t.Fatal(err)
		}
		if n := int(slices.Max(got)); n != tc.want {
			t.Errorf("min_size %d: %d instances, want %d", tc.minSize, n, tc.want)
		}
	}
}
