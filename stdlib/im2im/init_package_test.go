package im2im

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// A run initialised from a package im2im exported starts where the exported
// run ended: with a learning rate too small to move the weights its
// prediction is the exported run's, and with the usual one it trains on from
// there (its first epoch's loss below a fresh run's).
func TestInitFromPackage(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	root := t.TempDir()
	c := tinySeg(data, root)
	a, err := Train(c.Data, c.Model, c.Trainer)
	if err != nil {
		t.Fatal(err)
	}
	zip := filepath.Join(t.TempDir(), "model.zip")
	if _, err := a.Export(zip); err != nil {
		t.Fatal(err)
	}
	image := filepath.Join(data, "semantic_001_IM.ome.tiff")
	prob := func(run *Run) []float32 {
		cfg := run.Config
		m := cfg.Model.(FCN)
		m.Predict.Output = "prob"
		cfg.Model = m
		out, err := Predict(cfg, run.Checkpoint(), image, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		v, _, _ := readImage(t, out[0])
		return v
	}
	want := prob(a)

	still := c.Trainer
	still.Name, still.InitFrom, still.LR, still.Epochs = "still", zip, 1e-12, 1
	b, err := Train(c.Data, c.Model, still)
	if err != nil {
		t.Fatal(err)
	}
	// Every variable of the unet: 3 levels × 2 blocks × (conv weights, norm gamma
	// and beta, PReLU slope), the up-sampling's weights and bias, the head's.
	if n := len(b.Result.Init.Loaded); n != 3*2*4+2+2 {
		t.Errorf("loaded %d weights from the package, want the unet's 28: %v", n, b.Result.Init.Loaded)
	}
	diff := maxAbsDiff(t, prob(b), want)
	t.Logf("initialised from the package: max abs difference %.2g from the exported run's prediction", diff)
	if diff > 1e-5 {
		t.Errorf("a run initialised from the package predicts %g away from the exported run", diff)
	}

	on := c.Trainer
	on.Name, on.InitFrom = "on", zip
	d, err := Train(c.Data, c.Model, on)
	if err != nil {
		t.Fatal(err)
	}
	fresh, tuned := a.Result.History[0].TrainLoss, d.Result.History[0].TrainLoss
	last := d.Result.History[len(d.Result.History)-1].TrainLoss
	t.Logf("first epoch's loss: fresh %.4f, from the package %.4f; its last %.4f", fresh, tuned, last)
	if !(tuned < fresh) || !(last < fresh) {
		t.Errorf("training from the package: first epoch's loss %g, last %g, a fresh run's first %g", tuned, last, fresh)
	}
}

// A package that does not hold the run's net is one error at
// trainer.init_from naming what differs.
func TestInitFromPackageErrors(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	c := tinySeg(data, t.TempDir())
	a, err := Train(c.Data, c.Model, c.Trainer)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	zip := filepath.Join(dir, "model.zip")
	if _, err := a.Export(zip); err != nil {
		t.Fatal(err)
	}
	notPkg := filepath.Join(dir, "other.zip")
	if err := os.WriteFile(notPkg, []byte("PK not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		model Model
		from  string
		want  string
	}{
		{"features", FCN{Net: UNet{Dims: 2, Features: []int{8, 8}, OutChannels: 2}, Loss: DiceCE{}}, zip,
			"initializer enc0/block0/conv/weights has shape [4 1 3 3] in the model; the configured net's is [8 1 3 3]"},
		{"net", FCN{Net: AttentionUNet{Dims: 2, Features: []int{4, 8}, OutChannels: 2}, Loss: DiceCE{}}, zip,
			"the configured net exports as \"im2im_attention_unet\""},
		{"classes", FCN{Net: UNet{Dims: 2, Features: []int{4, 8}, OutChannels: 3}, Loss: DiceCE{}}, zip,
			"initializer head/weights has shape [2 4 1 1] in the model; the configured net's is [3 4 1 1]"},
		{"not a package", c.Model, notPkg, "other.zip"},
	}
	for _, tc := range cases {
		tr := c.Trainer
		tr.Name, tr.InitFrom = "b_"+strings.ReplaceAll(tc.name, " ", "_"), tc.from
		_, err := Train(c.Data, tc.model, tr)
		if err == nil || !strings.Contains(err.Error(), "trainer.init_from") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error at trainer.init_from with %q", tc.name, err, tc.want)
		}
	}
}
