package main

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/nets"
)

// im2im export on a trained run writes an ONNX file that python3-onnx's checker
// accepts; bad inputs are exit code 2 with a message naming the problem.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	_, cfg := segFixture(t, dir, "  patch: {size: [32, 32], per_image: 2}\n  val_ratio: 0.25\n",
		"epochs: 1, batch_size: 2, lr: 0.01, name: cli, backend: im2im-fast")
	if out, err := runCmd(t, newTrainCmd(), "-c", cfg); err != nil {
		t.Fatalf("train: %v\n%s", err, out)
	}
	run := filepath.Join(dir, "runs", "cli")
	model := filepath.Join(dir, "model.onnx")
	out, err := runCmd(t, newExportCmd(), "--run", run, "--out", model)
	if err != nil || !strings.Contains(out, "unet 2D, 1 → 2 channels, spatial sizes multiples of [2 2]") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))
	checkTrainedExport(t, nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}}, filepath.Join(run, "checkpoints", "best.ckpt"), model, 2, 1, 32, 48)
	checkONNXFile(t, model)

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no --out", []string{"--run", run}, "--out MODEL.onnx (or MODEL.zip, a bioimage.io package) is required"},
		{"package options for .onnx", []string{"--run", run, "--out", model, "--authors", "me"}, "give --out MODEL.zip"},
		{"no run", []string{"--run", filepath.Join(dir, "nope"), "--out", model}, "config.yaml"},
		{"other net than trained", []string{"--run", run, "--out", model, "--model.net.features=8,16"},
			"variable /enc0/block0/conv/weights has shape [4 1 3 3], the net's config needs [8 -1 3 3]"},
		{"probunet", []string{"-c", "probunet_2d", "--checkpoint", "x.ckpt", "--out", model}, "model.framework probunet has no ONNX export: its prediction runs the prior net"},
	}
	for _, tc := range bad {
		out, err := runCmd(t, newExportCmd(), tc.args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != exitBadInput || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (output %q), want exit code 2 with %q", tc.name, err, out, tc.want)
		}
	}
}

// im2im export --out model.zip writes a bioimage.io package for a 2D
// segmentation run (quickstart-like), a 3D denoising run and a pix2pix run
// (its ResNet generator); ONNX Runtime on
// each package's test input reproduces its test output; im2im predict
// --model gives what predict --run gives (probabilities for the 2-class
// net, raw values for the denoiser).
func TestExportPackageCommand(t *testing.T) {
	dir := t.TempDir()
	data, cfg := segFixture(t, dir, "  patch: {size: [32, 32], per_image: 2}\n  val_ratio: 0.25\n",
		"epochs: 1, batch_size: 2, lr: 0.01, name: seg, backend: im2im-fast")
	den := filepath.Join(dir, "denoise")
	if _, err := synth.Write(den, synth.Denoise, 3, synth.Options{Shape: []int{8, 24, 24}, MinRadius: 3, MaxRadius: 5}); err != nil {
		t.Fatal(err)
	}
	den3d := filepath.Join(dir, "den3d.yaml")
	yaml := "data:\n  path: " + den + "\n  patch: {size: [8, 16, 16], per_image: 2}\n  val_ratio: 0.34\n  normalize: {name: normalize_zscore}\n" +
		"model:\n  net: {kind: unet, dims: 3, features: [4, 8], out_channels: 1, norm: batch, act: relu}\n  loss: {kind: mse}\n" +
		"trainer: {epochs: 1, batch_size: 2, lr: 0.01, name: den, backend: im2im-fast, root: " + filepath.Join(dir, "runs") + "}\n"
	if err := os.WriteFile(den3d, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	stain := filepath.Join(dir, "stain")
	if _, err := synth.Write(stain, synth.Stain, 3, synth.Options{Shape: []int{32, 32}, MinRadius: 3, MaxRadius: 5}); err != nil {
		t.Fatal(err)
	}
	p2p := filepath.Join(dir, "p2p.yaml")
	yaml = "data:\n  path: " + stain + "\n  patch: {size: [32, 32], per_image: 2}\n  val_ratio: 0.34\n" +
		"model:\n  framework: pix2pix\n  generator: {kind: resnet, nf: 4, n_down: 1, n_res: 1, out_channels: 3}\n  discriminator: {nf: 4, n_layers: 2}\n" +
		"trainer: {epochs: 1, batch_size: 2, name: p2p, backend: im2im-fast, root: " + filepath.Join(dir, "runs") + "}\n"
	if err := os.WriteFile(p2p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, cfg, run, image string
		override              []string
		wantProcessing        string
	}{
		{"2D segmentation", cfg, "seg", filepath.Join(data, "semantic_001_IM.ome.tiff"), []string{"--model.predict.output=prob"}, "scale_range"},
		{"3D denoising", den3d, "den", filepath.Join(den, "denoise_001_IM.ome.tiff"), nil, "zero_mean_unit_variance"},
		{"2D pix2pix ResNet generator", p2p, "p2p", filepath.Join(stain, "stain_001_IM.ome.tiff"), nil, "scale_range"},
	}
	for _, tc := range cases {
		if out, err := runCmd(t, newTrainCmd(), "-c", tc.cfg); err != nil {
			t.Fatalf("%s: train: %v\n%s", tc.name, err, out)
		}
		run := filepath.Join(dir, "runs", tc.run)
		zip := filepath.Join(dir, tc.run+".zip")
		out, err := runCmd(t, newExportCmd(), "--run", run, "--out", zip, "--authors", "A. Tester, B. Tester")
		if err != nil || !strings.Contains(out, "wrote "+zip+": bioimage.io model") || !strings.Contains(out, "note: license is CC-BY-4.0") ||
			strings.Contains(out, "authors is a placeholder") {
			t.Fatalf("%s: export: %v\n%s", tc.name, err, out)
		}
		t.Log(strings.TrimSpace(out))
		rdf := readZipEntry(t, zip, "rdf.yaml")
		for _, want := range []string{"format_version: 0.5.3", "name: A. Tester", "id: " + tc.wantProcessing, "opset_version: 17", "halo:"} {
			if !strings.Contains(rdf, want) {
				t.Errorf("%s: rdf.yaml lacks %q:\n%s", tc.name, want, rdf)
			}
		}
		checkPackageWithORT(t, zip)
		fromPkg, fromRun := filepath.Join(dir, tc.run+"-pkg"), filepath.Join(dir, tc.run+"-run")
		if out, err := runCmd(t, newPredictCmd(), "--model", zip, "--input", tc.image, "--output", fromPkg); err != nil {
			t.Fatalf("%s: predict --model: %v\n%s", tc.name, err, out)
		}
		args := append([]string{"--run", run, "--input", tc.image, "--output", fromRun}, tc.override...)
		if out, err := runCmd(t, newPredictCmd(), args...); err != nil {
			t.Fatalf("%s: predict --run: %v\n%s", tc.name, err, out)
		}
		stem := strings.TrimSuffix(filepath.Base(tc.image), "_IM.ome.tiff") + "_pred.ome.tiff"
		a, sa := readTCZYX(t, filepath.Join(fromPkg, stem))
		b, sb := readTCZYX(t, filepath.Join(fromRun, stem))
		diff := 0.0
		for i := range a {
			diff = max(diff, math.Abs(float64(a[i]-b[i])))
		}
		t.Logf("%s: predict --model vs --run: shapes %v %v, max abs difference %.2g", tc.name, sa, sb, diff)
		if fmt.Sprint(sa) != fmt.Sprint(sb) || diff > 1e-4 {
			t.Errorf("%s: predict --model differs from predict --run: shapes %v %v, max abs difference %g", tc.name, sa, sb, diff)
		}
	}
	bad := []struct {
		name string
		args []string
		want string
	}{
		{"model with run", []string{"--model", filepath.Join(dir, "seg.zip"), "--run", "x", "--input", data, "--output", dir}, "drop --run"},
		{"not a package", []string{"--model", cfg, "--input", data, "--output", dir}, "not a zip file"},
	}
	for _, tc := range bad {
		out, err := runCmd(t, newPredictCmd(), tc.args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != exitBadInput || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (output %q), want exit code 2 with %q", tc.name, err, out, tc.want)
		}
	}
}

// readZipEntry returns one file of a zip as text.
func readZipEntry(t *testing.T, path, name string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	f, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readTCZYX reads an image as TCZYX float32.
func readTCZYX(t *testing.T, path string) ([]float32, []int) {
	t.Helper()
	x, shape, _, err := imageio.ReadFloat32(path, imageio.Selection{Dims: "TCZYX"})
	if err != nil {
		t.Fatal(err)
	}
	return x, shape
}
