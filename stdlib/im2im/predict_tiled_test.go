package im2im

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testPredictTiled: with a budget that forces tiling, predict (labels),
// evaluate (metrics) and the run's instance-norm net agree with the whole
// image — the net normalises on whole-image statistics — and the prediction
// says so instead of warning.
func testPredictTiled(t *testing.T, run *Run, data string) {
	dir := t.TempDir()
	p := filepath.Join(dir, "frame.ome.tiff")
	writeImage(t, p, "YX", frames(t, data)[0], 48, 48)
	tiled := run.Config
	m, ok := tiled.Model.(FCN)
	if !ok {
		t.Fatalf("model %T, want FCN", tiled.Model)
	}
	m.Predict.MaxVoxels = 24 * 24
	tiled.Model = m
	predict := func(c Config) ([]float32, Predicted) {
		done, err := PredictFiles(context.Background(), c, run.Checkpoint(), p, t.TempDir())
		if err != nil || len(done) != 1 {
			t.Fatalf("predicted %v: %v", done, err)
		}
		got, _, _ := readImage(t, done[0].Path)
		return got, done[0]
	}
	whole, w := predict(run.Config)
	got, d := predict(tiled)
	if !w.Window.Whole || d.Window.Whole || d.Window.NormPasses < 2 {
		t.Fatalf("whole %v, tiled %v: want one window, then several with normalisation passes", w.Window, d.Window)
	}
	if d.Warning != "" || !strings.Contains(d.String(), "whole-image normalisation statistics") {
		t.Errorf("tiled prediction: %s", d)
	}
	side, err := os.ReadFile(d.Sidecar())
	if err != nil || !strings.Contains(string(side), "whole_image_norm_passes") {
		t.Errorf("sidecar %s (%v) does not record the passes", side, err)
	}
	same := 0
	for i := range whole {
		if whole[i] == got[i] {
			same++
		}
	}
	if agree := float64(same) / float64(len(whole)); agree < 0.995 {
		t.Errorf("tiled labels agree with the whole image's on %.2f %% of the pixels", 100*agree)
	}
	ew, err := Evaluate(run.Config, run.Checkpoint(), data)
	if err != nil {
		t.Fatal(err)
	}
	et, err := Evaluate(tiled, run.Checkpoint(), data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ew.Values {
		for j, n := range ew.Names {
			if math.Abs(ew.Values[i][j]-et.Values[i][j]) > 0.01 {
				t.Errorf("evaluate %s, %s: %.4f whole, %.4f tiled", ew.IDs[i], n, ew.Values[i][j], et.Values[i][j])
			}
		}
	}
}
