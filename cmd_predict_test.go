package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
)

// im2im predict on a 2-time-point, 2-channel image: channel selection and the
// output type come from dotted overrides; a bad type is exit code 2.
func TestPredictCommandTimeChannelsDType(t *testing.T) {
	dir := t.TempDir()
	data, cfg := segFixture(t, dir, "  patch: {size: [32, 32], per_image: 2}\n  val_ratio: 0.25\n",
		"epochs: 1, batch_size: 2, lr: 0.01, name: cli, backend: im2im-fast")
	if out, err := runCmd(t, newTrainCmd(), "-c", cfg); err != nil {
		t.Fatalf("train: %v\n%s", err, out)
	}
	run := filepath.Join(dir, "runs", "cli")

	// T=2, C=2: channel 1 holds the image, channel 0 zeros.
	img, _, _, err := imageio.ReadFloat32(filepath.Join(data, "semantic_000_IM.ome.tiff"), imageio.Selection{Dims: "YX"})
	if err != nil {
		t.Fatal(err)
	}
	var tcyx []float32
	for range 2 {
		tcyx = append(tcyx, make([]float32, len(img))...)
		tcyx = append(tcyx, img...)
	}
	a, _ := imageio.FromFloat32(tcyx, "TCYX", 2, 2, 48, 48)
	in := filepath.Join(dir, "movie.ome.tiff")
	if err := imageio.WriteOMETIFF(in, a, imageio.WriteMeta{}, imageio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	pred := filepath.Join(dir, "pred")
	out, err := runCmd(t, newPredictCmd(), "--run", run, "--input", in, "--output", pred,
		"--model.predict.channels=[1]", "--model.predict.dtype=uint16")
	if err != nil || !strings.Contains(out, "predicted 1 image(s)") {
		t.Fatalf("predict: %v\n%s", err, out)
	}
	_, meta, err := imageio.ReadFile(filepath.Join(pred, "movie_pred.ome.tiff"), imageio.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if meta.DType != imageio.Uint16 || meta.Shape != [5]int{2, 1, 1, 48, 48} {
		t.Errorf("written %v %v, want uint16 TCZYX [2 1 1 48 48]", meta.DType, meta.Shape)
	}

	_, err = runCmd(t, newPredictCmd(), "--run", run, "--input", in, "--output", pred,
		"--model.predict.channels=[1]", "--model.predict.output=prob", "--model.predict.dtype=uint8")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "model.predict.dtype") {
		t.Errorf("prob as uint8: %v, want exit code 2 naming model.predict.dtype", err)
	}
}
