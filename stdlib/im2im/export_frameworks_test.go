package im2im

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/bioimageio"
	"github.com/im2im/im2im/ml/onnx"
)

// A pix2pix run and a CycleGAN run (predicting B to A) with ResNet
// generators export as packages whose graph is the predicting generator, an
// EmbedSeg run as its BranchedERFNet's raw output (clustering left out, said
// in the README): the Go interpreter on the package's test input reproduces
// the test output im2im computed, and predict --model matches predict --run
// (raw for EmbedSeg). A ProbUnet config is an error naming why it has no
// export.
func TestExportFrameworkPackages(t *testing.T) {
	pairs := t.TempDir()
	if _, err := synth.Write(pairs, synth.Stain, 4, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	unpaired := t.TempDir()
	if _, err := synth.Write(unpaired, synth.Unpaired, 4, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	instances := t.TempDir()
	if _, err := synth.Write(instances, synth.Instance, 4, synth.Options{Shape: []int{40, 40}, MinRadius: 4, MaxRadius: 7, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	gen := "generator: {kind: resnet, nf: 4, n_down: 1, n_res: 1%s}\n  discriminator: {nf: 4, n_layers: 2}\n"
	cases := []struct {
		name, yaml, image, cite string
		net, readme             string
	}{
		{"pix2pix", "data: {path: " + pairs + ", patch: {size: [32, 32], per_image: 2}, val_ratio: 0.25}\n" +
			"model:\n  framework: pix2pix\n  " + strings.Replace(gen, "%s", ", out_channels: 3", 1),
			filepath.Join(pairs, "stain_000_IM.ome.tiff"), "10.1109/CVPR.2017.632", "resnet", "resnet, 2D"},
		{"cyclegan_ba", "data: {path: " + unpaired + ", category: unpair, patch: {size: [32, 32], per_image: 2}, val_ratio: 0.25}\n" +
			"model:\n  framework: cyclegan\n  direction: BtoA\n  " + strings.Replace(gen, "%s", ", norm: batch", 1),
			filepath.Join(unpaired, "unpaired_000_GT.ome.tiff"), "10.1109/ICCV.2017.244", "resnet", "resnet, 2D"},
		{"embedseg", "data: {path: " + instances + ", category: embedseg, patch: {size: [40, 40], per_image: 1}, val_ratio: 0.25}\n" +
			"model: {framework: embedseg, max_instances: 8}\n",
			filepath.Join(instances, "instance_000_IM.ome.tiff"), "10.1016/j.media.2022.102523", "branched_erfnet",
			"Clustering into instances is not part of the model: it outputs the raw 5 channels"},
	}
	for _, tc := range cases {
		text := tc.yaml + "trainer: {epochs: 1, batch_size: 2, seed: 3, root: " + root + ", name: " + tc.name + ", backend: im2im-fast, quiet: true}\n"
		c, err := ParseConfig(tc.name+".yaml", text)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		run, err := TrainConfig(c)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		zip := filepath.Join(t.TempDir(), "model.zip")
		if _, err := ExportPackage(context.Background(), run.Config, run.Checkpoint(), zip, ExportOptions{RunDir: run.Dir, Input: tc.image}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		p, err := bioimageio.ReadPackage(zip)
		if err != nil {
			t.Fatal(err)
		}
		if err := bioimageio.Validate(p); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		d := p.Desc
		if d.Config["im2im"].(map[string]any)["net"] != tc.net || !strings.Contains(d.Cite[len(d.Cite)-1].DOI, tc.cite) {
			t.Errorf("%s: config %v, cite %v", tc.name, d.Config, d.Cite)
		}
		if readme := string(p.Files["README.md"]); !strings.Contains(readme, tc.readme) || len(d.Outputs[0].Postprocessing) != 0 {
			t.Errorf("%s: postprocessing %v, README without %q:\n%s", tc.name, d.Outputs[0].Postprocessing, tc.readme, readme)
		}
		x := readNPY(t, p.Files["test_input.npy"])
		want := readNPY(t, p.Files["test_output.npy"])
		m, err := onnx.ReadModel(p.Files["model.onnx"])
		if err != nil {
			t.Fatal(err)
		}
		if err := bioimageio.Apply(d.Inputs[0].Preprocessing, x); err != nil {
			t.Fatal(err)
		}
		y, err := m.Run(&onnx.Tensor{Shape: x.Shape, Float: x.Data})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		lo, hi := want.Data[0], want.Data[0]
		for _, v := range want.Data {
			lo, hi = min(lo, v), max(hi, v)
		}
		diff := maxAbsDiff(t, y.Float, want.Data)
		t.Logf("%s: %d nodes, the package's graph vs its test output %v (range %.3g): max abs difference %.2g", tc.name, len(m.Graph.Nodes), want.Shape, hi-lo, diff)
		// Absolute, and relative to the output's range (small for an
		// untrained generator): the other generator would not pass.
		if diff > 1e-4 || diff > 1e-3*float64(hi-lo) {
			t.Errorf("%s: the package's graph differs from im2im's test output by %g (output range %g)", tc.name, diff, hi-lo)
		}
		fromPkg, err := PredictPackage(context.Background(), zip, tc.image, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		cfg := run.Config
		if m, ok := cfg.Model.(EmbedSeg); ok {
			m.Predict.Output = "raw"
			cfg.Model = m
		}
		fromRun, err := Predict(cfg, run.Checkpoint(), tc.image, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		a, sa, _ := readImage(t, fromPkg[0].Path)
		b, sb, _ := readImage(t, fromRun[0])
		if sa != sb {
			t.Fatalf("%s: shapes %v and %v", tc.name, sa, sb)
		}
		if diff := maxAbsDiff(t, a, b); diff > 1e-4 {
			t.Errorf("%s: predict --model differs from predict --run by %g", tc.name, diff)
		}
		checkInitFrom(t, run, zip, tc.image, b)
	}
	prob := Config{Model: ProbUnet{}}
	if _, err := ExportPackage(context.Background(), prob, "x.ckpt", filepath.Join(root, "p.zip"), ExportOptions{}); err == nil ||
		!strings.Contains(err.Error(), "model.framework probunet has no ONNX export: its prediction runs the prior net") {
		t.Errorf("probunet: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "p.zip")); err == nil {
		t.Error("a failed export wrote its file")
	}
}

// checkInitFrom starts a run from the package zip that run exported, with a
// learning rate too small to move the weights: pix2pix predicts what run
// predicted (want), EmbedSeg (whose batch norms' statistics move anyway)
// loads every weight and trains, CycleGAN is refused naming the framework.
func checkInitFrom(t *testing.T, run *Run, zip, image string, want []float32) {
	t.Helper()
	c := run.Config
	c.Trainer.Name, c.Trainer.InitFrom, c.Trainer.LR = filepath.Base(run.Dir)+"_init", zip, 1e-12
	again, err := TrainConfig(c)
	switch c.Model.Framework() {
	case "cyclegan":
		if err == nil || !strings.Contains(err.Error(), "trainer.init_from") || !strings.Contains(err.Error(), "this run is cyclegan") {
			t.Errorf("cyclegan from a package: %v", err)
		}
		return
	case "embedseg":
		if err != nil || len(again.Result.Init.Loaded) == 0 {
			t.Errorf("embedseg from a package: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s from a package: %v", c.Model.Framework(), err)
	}
	out, err := Predict(again.Config, again.Checkpoint(), image, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got, _, _ := readImage(t, out[0])
	if diff := maxAbsDiff(t, got, want); diff > 1e-5 {
		t.Errorf("%s initialised from its package predicts %g away from the exported run", c.Model.Framework(), diff)
	}
}
