package im2im

import (
	"errors"
	"github.com/im2im/im2im/data/imageio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// synthDir writes n synthetic 2D pairs of kind (48×48) to a temp folder.
func synthDir(t *testing.T, kind synth.Kind, n int) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := synth.Write(dir, kind, n, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tinySeg is the DESIGN.md cell scaled down: 32×32 patches, 2 epochs.
func tinySeg(path, root string) Config {
	return Config{
		Data: Data{
			Path:      path,
			Category:  "pair",
			Patch:     Patch{Size: []int{32, 32}, PerImage: 2},
			Normalize: Percentile(1, 99.8),
			Augment:   []Transform{RandFlip(0.5), RandRotate90(0.5)},
			ValRatio:  0.25,
		},
		Model:   FCN{Net: UNet{Dims: 2, Features: []int{4, 8}, OutChannels: 2}, Loss: DiceCE{}},
		Trainer: Trainer{Epochs: 2, BatchSize: 2, LR: 1e-2, Seed: 3, Root: root, Name: "seg", Backend: "im2im-fast", Quiet: true},
	}
}

func TestTrainWritesRunDirectory(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	root := t.TempDir()
	c := tinySeg(data, root)
	var phases []string
	c.Trainer.OnProgress = func(p Progress) { phases = append(phases, p.Phase) }
	run, err := Train(c.Data, c.Model, c.Trainer)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(phases, ","); got != "train,train,train,val,train,train,train,val,done" {
		t.Errorf("callback phases %s", got)
	}
	if run.Dir != filepath.Join(root, "seg") {
		t.Errorf("run dir %s", run.Dir)
	}
	// 3 training images × 2 patches / batch 2 = 3 steps per epoch.
	if got := len(run.StepLosses()); got != 6 {
		t.Errorf("%d step losses, want 6", got)
	}
	for _, f := range []string{"config.yaml", "run.yaml", "metrics.csv", "checkpoints/last.ckpt"} {
		if _, err := os.Stat(filepath.Join(run.Dir, f)); err != nil {
			t.Errorf("run directory lacks %s: %v", f, err)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(run.Dir, "metrics.csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 3 || lines[0] != "epoch,train_loss,lr,val_loss,val_dice" {
		t.Errorf("metrics.csv:\n%s", csv)
	}
	meta, _ := os.ReadFile(filepath.Join(run.Dir, "run.yaml"))
	if !strings.Contains(string(meta), "seed: 3\nbackend: im2im-fast\n") {
		t.Errorf("run.yaml:\n%s", meta)
	}
	m := run.Metrics()
	if _, ok := m["dice"]; !ok {
		t.Errorf("metrics %v lack dice", m)
	}
	if _, ep := run.Best(); ep < 1 {
		t.Errorf("no best epoch")
	}
	// The resolved config written is re-runnable: loading it gives the same config.
	back, err := LoadConfig(filepath.Join(run.Dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if back.Resolved().YAML() != run.Config.YAML() {
		t.Errorf("config.yaml does not load back to the run's config:\n%s\nvs\n%s", back.Resolved().YAML(), run.Config.YAML())
	}
	if f := run.Curves(); f.Err() != nil || len(f.PNG()) == 0 {
		t.Errorf("curves: %v", f.Err())
	}
	if f := run.Images(); f.Err() != nil || len(f.PNG()) == 0 {
		t.Errorf("images: %v", f.Err())
	}
}

func TestPredictAndEvaluate(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	root := t.TempDir()
	c := tinySeg(data, root)
	run, err := Train(c.Data, c.Model, c.Trainer)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "pred")
	files, err := run.Predict(data, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 || filepath.Base(files[0]) != "semantic_000_pred.ome.tiff" {
		t.Fatalf("predicted %v", files)
	}
	pred, shape, _, err := imageio.ReadFloat32(files[0], imageio.Selection{Dims: "CYX"})
	if err != nil {
		t.Fatal(err)
	}
	if shape[0] != 1 || shape[1] != 48 || shape[2] != 48 {
		t.Errorf("prediction shape %v, want [1 48 48]", shape)
	}
	for _, v := range pred {
		if v != 0 && v != 1 {
			t.Fatalf("label prediction has value %v", v)
		}
	}
	ev, err := run.Evaluate(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.IDs) != 4 || len(ev.Names) != 1 || ev.Names[0] != "dice" {
		t.Fatalf("evaluation %v %v", ev.IDs, ev.Names)
	}
	mean := ev.Metrics()["dice"]
	if mean < 0 || mean > 1 {
		t.Errorf("mean dice %v", mean)
	}
	tab := ev.Table()
	if !strings.Contains(tab, "semantic_000") || !strings.Contains(tab, "mean") {
		t.Errorf("table:\n%s", tab)
	}
	if _, err := Predict(run.Config, run.Checkpoint(), filepath.Join(data, "missing"), out); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing input: %v", err)
	}
}

func TestTrainChecksDataAgainstModel(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name string
		kind synth.Kind
		edit func(*Config)
		want []string
	}{
		{"regression channels", synth.Denoise, func(c *Config) {
			c.Model = FCN{Net: UNet{Features: []int{4, 8}, OutChannels: 2, InChannels: 3}, Loss: MSE{}}
		}, []string{"model.net.in_channels: 3 but the IM images", "model.net.out_channels: 2 but the GT images", "have 1 channels"}},
		{"labels beyond classes", synth.Instance, func(c *Config) {}, []string{"model.net.out_channels: 2 classes (labels 0..1) but target"}},
		{"patch larger than image", synth.Semantic, func(c *Config) { c.Data.Patch.Size = []int{64, 64} }, []string{"data.patch.size[0]: 64 is larger than image", "data.patch.size[1]: 64 is larger than image"}},
		{"missing role", synth.Semantic, func(c *Config) { c.Data.Target = "MASK" }, []string{`data.target: sample`, `has no "MASK" image`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tinySeg(synthDir(t, tc.kind, 4), root)
			c.Trainer.Name = ""
			c.Data.Store = filepath.Join(t.TempDir(), "store")
			tc.edit(&c)
			_, err := TrainConfig(c)
			if err == nil {
				t.Fatal("trained")
			}
			// The first subject is checked before the patch store is built.
			if _, serr := os.Stat(c.Data.Store); !errors.Is(serr, os.ErrNotExist) {
				t.Errorf("patch store %s built before the data check (%v)", c.Data.Store, serr)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestTrain3DAndResume(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Write(dir, synth.Denoise, 3, synth.Options{Shape: []int{8, 24, 24}, MinRadius: 3, MaxRadius: 5}); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	c := Config{
		Data:    Data{Path: dir, Patch: Patch{Size: []int{8, 16, 16}, PerImage: 2}, ValRatio: -1},
		Model:   FCN{Net: UNet{Features: []int{4, 8}, Norm: "none"}, Loss: MSE{}},
		Trainer: Trainer{Epochs: 1, BatchSize: 2, Root: root, Name: "r3d", Backend: "im2im-fast", Quiet: true, Seed: 5},
	}
	run, err := TrainConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := run.Config.Model.(FCN).Net.(UNet).Dims; got != 3 {
		t.Errorf("net dims %d, want 3 from the patch size", got)
	}
	if n := len(run.StepLosses()); n != 3 {
		t.Errorf("%d steps, want 3", n)
	}
	if f := run.Images(); f.Err() != nil {
		t.Errorf("3D image panel: %v", f.Err())
	}
	c.Trainer.Epochs, c.Trainer.Resume = 2, true
	run2, err := TrainConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	if run2.Dir != run.Dir || run2.Result.ResumedAt != 3 || len(run2.StepLosses()) != 6 {
		t.Errorf("resume: dir %s resumed at %d, %d steps", run2.Dir, run2.Result.ResumedAt, len(run2.StepLosses()))
	}
	for i, l := range run.StepLosses() {
		if run2.StepLosses()[i] != l {
			t.Errorf("resumed history differs at step %d", i)
		}
	}
}

// withFCN edits the FCN declaration of c in place.
func withFCN(c *Config, edit func(m *FCN)) {
	m, _ := c.Model.(FCN)
	edit(&m)
	c.Model = m
}
