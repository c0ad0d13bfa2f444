package im2im

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/nets"
)

// tinyEmbedSegYAML is an EmbedSeg config small enough for a unit test.
const tinyEmbedSegYAML = `
data:
  path: %DATA%
  category: embedseg
  patch: {size: [40, 40], per_image: 1}
  val_ratio: 0.25
model:
  framework: embedseg
  max_instances: 8
trainer: {epochs: 1, batch_size: 2, seed: 3, root: %ROOT%, name: es, backend: im2im-fast, quiet: true}
`

// TestEmbedSegFromYAML trains EmbedSeg from YAML end to end (centre images
// cached, validation by clustering), checks the resolved defaults and the
// round trip, predicts uint16 instance labels, and evaluates with every
// instance metric; an FCN's labels are scored as instances with
// EvaluateInstances.
func TestEmbedSegFromYAML(t *testing.T) {
	run, data := trainTinyYAML(t, synth.Instance, 40, 4, 7, tinyEmbedSegYAML)
	r := run.Config
	m, ok := r.Model.(EmbedSeg)
	if !ok {
		t.Fatalf("run model %T", r.Model)
	}
	if n, ok := m.Net.(BranchedERFNet); !ok || n.Dims != 2 || m.ForegroundWeight != 10 || m.CenterMethod != "approximate-medoid" ||
		m.Predict.Output != "labels" || m.Metrics[0] != "ap50" || m.Cluster.SeedThresh != 0.5 || r.Trainer.Monitor != "ap50" {
		t.Errorf("resolved embedseg: %+v", m)
	}
	if _, ok := run.Result.History[0].Val["ap50"]; !ok {
		t.Errorf("validation did not report ap50: %v", run.Result.History[0].Val)
	}
	if f := run.Images(); f.Err() != nil || !strings.Contains(f.String(), "predicted instances") {
		t.Errorf("image panels %q (%v): want the instances", f.String(), f.Err())
	}
	out := t.TempDir()
	if _, err := PredictFiles(t.Context(), r, run.Checkpoint(), filepath.Join(data, "instance_000_IM.ome.tiff"), out); err != nil {
		t.Fatal(err)
	}
	img, err := ReadImage(filepath.Join(out, "instance_000_pred.ome.tiff"))
	if err != nil {
		t.Fatal(err)
	}
	if img.DType != "uint16" || img.Shape[1] != 1 || img.Shape[3] != 40 {
		t.Errorf("prediction %s %v: want uint16 instance labels of one channel", img.DType, img.Shape)
	}
	ev, err := run.Evaluate(data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ev.Names, framework.EmbedSegMetrics) || len(ev.IDs) != 4 {
		t.Errorf("evaluation %v of %v: want every instance metric of 4 images", ev.Names, ev.IDs)
	}
	for _, row := range ev.Values {
		for _, v := range row {
			if v < 0 || v > 1 {
				t.Errorf("instance metric %v outside [0, 1]", v)
			}
		}
	}
	if _, err := EvaluateInstances(t.Context(), r, run.Checkpoint(), data); err != nil {
		t.Errorf("EvaluateInstances of an embedseg run: %v", err)
	}
}

// Components merges touching foreground into one object; Measure's instance
// metrics match objects one to one and refuse images that are not labels.
func TestComponentsAndInstanceMeasure(t *testing.T) {
	img := func(name string, rows ...string) *Image {
		h, w := len(rows), len(rows[0])
		im := &Image{Name: name, Shape: []int{1, 1, 1, h, w}, Data: make([]float32, h*w)}
		for y, r := range rows {
			for x, c := range r {
				if c != '.' {
					im.Data[y*w+x] = float32(c - '0')
				}
			}
		}
		return im
	}
	truth := img("truth", "11.22", "11.22", ".....", "33...")
	mask := img("mask", "11111", "11111", ".....", "11...")
	cc, err := mask.Components()
	if err != nil {
		t.Fatal(err)
	}
	if n := slices.Max(cc.Data); n != 2 {
		t.Fatalf("components of the mask: %v objects, want 2 (the touching pair merged)", n)
	}
	for _, tc := range []struct {
		name string
		pred *Image
		want float64
	}{
		{"ap50 merged", cc, 1.0 / 4},    // 1 TP (object 3), 1 FP (the merge), 2 FN: 1/(1+1+2)
		{"ap50 exact", truth, 1},        // all three matched
		{"f1 merged", cc, 2.0 / 5},      // 2·1 / (2·1 + 1 + 2)
		{"matched_iou exact", truth, 1}, // IoU 1 everywhere
	} {
		t.Run(tc.name, func(t *testing.T) {
			metricName := strings.Fields(tc.name)[0]
			got, err := Measure(metricName, tc.pred, truth)
			if err != nil {
				t.Fatal(err)
			}
			if d := got - tc.want; d > 1e-9 || d < -1e-9 {
				t.Errorf("%s = %v, want %v", metricName, got, tc.want)
			}
		})
	}
	bad := img("float", "11.22", "11.22", ".....", "33...")
	bad.Data[0] = 0.5
	if _, err := Measure("ap50", bad, truth); err == nil || !strings.Contains(err.Error(), "float") || !strings.Contains(err.Error(), "Components") {
		t.Errorf("non-integer labels: want an error naming the image and pointing to Components, got %v", err)
	}
	small := img("small", "11", "11")
	if _, err := Measure("ap50", small, truth); err == nil || !strings.Contains(err.Error(), "same shape") {
		t.Errorf("shape mismatch: got %v", err)
	}
}

// An embedseg U-Net's head starts as BranchedERFNet's output layer; the
// declaration (and so the resolved YAML) does not change.
func TestEmbedSegUNetHeadInit(t *testing.T) {
	for _, n := range []Net{UNet{}, AttentionUNet{}, DynUNet{}} {
		m := EmbedSeg{Net: n}.resolved(3, nil).(EmbedSeg)
		var head string
		switch u := m.embedEngine(Config{}, "", nil).Net.(type) {
		case nets.UNet:
			head = u.HeadInit
		case nets.AttentionUNet:
			head = u.HeadInit
		case nets.DynUNet:
			head = u.HeadInit
		default:
			t.Fatalf("%s: engine net %T", n.Kind(), u)
		}
		if head != nets.HeadInitEmbedSeg || m.Net.config().HeadInit != "" {
			t.Errorf("%s: engine head init %q, declared %q: want %q and none", n.Kind(), head, m.Net.config().HeadInit, nets.HeadInitEmbedSeg)
		}
	}
}
