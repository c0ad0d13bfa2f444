package im2im

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// TestMMVConvertedTrainsAsHandWritten: mmv's semanticseg_2d preset,
// converted, resolves to the same config as its hand-written im2im
// equivalent (testdata) but for the run name, and both, trained with the
// same seed and small overrides on synthetic nuclei, give the same loss
// curve, step by step (a falling one).
func TestMMVConvertedTrainsAsHandWritten(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(mmvPresetDir(t), "preset_train_semanticseg_2d.yaml"))
	if err != nil {
		t.Skip(err)
	}
	data := t.TempDir()
	if _, err := synth.Write(data, synth.Semantic, 8, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	over := func(name string) []string {
		return []string{"data.path=" + data, "data.store=" + t.TempDir(), "data.val_ratio=0.25", "data.patch.size=32,32",
			"model.net.in_channels=1", "model.net.out_channels=2", "model.net.features=4,8",
			"trainer.epochs=2", "trainer.seed=3", "trainer.root=" + root, "trainer.name=" + name,
			"trainer.backend=im2im-fast", "trainer.quiet=true"}
	}
	conv, err := ConvertMMV("semanticseg_2d", b, over("converted")...)
	if err != nil {
		t.Fatal(err)
	}
	hand, err := LoadConfig(filepath.Join("testdata", "mmv_semanticseg_2d_im2im.yaml"), over("hand")...)
	if err != nil {
		t.Fatal(err)
	}
	// The stores differ (two temp folders) as do the names: neither changes training.
	norm := func(c Config) string {
		r := c.Resolved()
		r.Trainer.Name, r.Data.Store = "", ""
		return r.YAML()
	}
	if a, h := norm(conv.Config), norm(hand); a != h {
		t.Fatalf("resolved configs differ:\nconverted:\n%s\nhand-written:\n%s", a, h)
	}
	var losses [2][]float64
	for i, c := range []Config{conv.Config, hand} {
		run, err := TrainConfig(c)
		if err != nil {
			t.Fatal(err)
		}
		losses[i] = run.StepLosses()
		for _, e := range run.Result.History {
			losses[i] = append(losses[i], e.TrainLoss, e.Val["loss"])
		}
	}
	if len(losses[0]) < 4 || slices.ContainsFunc(losses[0], func(v float64) bool { return math.IsNaN(v) || v <= 0 }) {
		t.Fatalf("loss curve %v: want positive losses", losses[0])
	}
	if n := len(losses[0]); losses[0][n-2] >= losses[0][n-4] {
		t.Errorf("training loss did not fall: epoch 1 %v, epoch 2 %v", losses[0][n-4], losses[0][n-2])
	}
	if !slices.Equal(losses[0], losses[1]) {
		t.Errorf("loss curves differ:\nconverted    %v\nhand-written %v", losses[0], losses[1])
	}
	t.Logf("%d step losses, then per epoch train and validation loss, the same: %v", len(losses[0])-4, losses[0])
}
