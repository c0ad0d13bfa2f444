package im2im

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
)

// The fields mmv_im2im's configs use and the engine has: YAML keys, defaults,
// pass-through to ml/train and ml/nets.
func TestEngineFieldsPassThrough(t *testing.T) {
	data := t.TempDir()
	c, err := ParseConfig("cfg.yaml", `data: {path: `+data+`, patch: {size: [16, 32, 32]}}
model:
  net: {kind: dyn_unet, features: [4, 8, 8], axis_strides: [[1, 2, 2], [2, 2, 2]], deep_supervision: 1, out_channels: 2}
  loss: {kind: gdl_focal}
  optimizer: {kind: adam, beta1: 0.8, beta2: 0.99, eps: 1e-6}
trainer: {save_every_steps: 7}
`)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	f, err := c.Resolved().fcn().fcnEngine(c.Resolved(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	n, ok := f.Net.(nets.DynUNet)
	if !ok || fmt.Sprint(n.AxisStrides) != "[[1 2 2] [2 2 2]]" || n.DeepSupervision != 1 || len(n.Strides) != 0 {
		t.Errorf("net %#v", f.Net)
	}
	if d, ok := f.Loss.(loss.Deep); !ok || d.OutChannels != 2 {
		t.Errorf("loss %#v, want loss.Deep over 2 channels", f.Loss)
	}
	o := f.Trainer.Optimizer
	if o.Beta1 != 0.8 || o.Beta2 != 0.99 || o.Eps != 1e-6 || f.Trainer.SaveEverySteps != 7 {
		t.Errorf("optimizer %+v, save every %d", o, f.Trainer.SaveEverySteps)
	}
	// Defaults are stated in the resolved config; UNet takes axis strides too.
	withFCN(&c, func(m *FCN) { m.Optimizer = Optimizer{} })
	withFCN(&c, func(m *FCN) { m.Net = UNet{Features: []int{4, 8}, AxisStrides: [][]int{{1, 2, 2}}} })
	r := c.Resolved()
	if o := r.Model.(FCN).Optimizer; o.Kind != "adamw" || o.Beta1 != 0.9 || o.Beta2 != 0.999 || o.Eps != 1e-8 {
		t.Errorf("resolved optimizer %+v", o)
	}
	if u := r.Model.(FCN).Net.(UNet); len(u.Strides) != 0 {
		t.Errorf("strides %v filled in beside axis_strides", u.Strides)
	}
	if f, _ := r.fcn().fcnEngine(r, "", nil); fmt.Sprint(f.Net.(nets.UNet).AxisStrides) != "[[1 2 2]]" {
		t.Errorf("unet axis strides not passed: %#v", f.Net)
	}
	y := r.YAML()
	for _, k := range []string{"axis_strides:", "beta1: 0.9", "beta2: 0.999"} {
		if !strings.Contains(y, k) {
			t.Errorf("resolved YAML lacks %q", k)
		}
	}
}

func TestEngineFieldsValidation(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"beta1", `model: {optimizer: {kind: adam, beta1: 1.5}}`, "model.optimizer.beta1: must be in [0, 1), got 1.5"},
		{"eps", `model: {optimizer: {eps: -1}}`, "model.optimizer.eps: must be positive, got -1"},
		{"save_every_steps", `trainer: {save_every_steps: -2}`, "trainer.save_every_steps: must not be negative, got -2"},
		{"devices", `trainer: {devices: -1}`, "trainer.devices: must not be negative, got -1"},
		{"devices and batch_size", `trainer: {devices: 2, batch_size: 3}`, "trainer.batch_size: 3 does not split evenly over trainer.devices 2"},
		{"deep_supervision", `model: {net: {kind: dyn_unet, features: [4, 8, 16], deep_supervision: 2}}`, "model.net.deep_supervision: want 0..1"},
		{"axis_strides levels", `model: {net: {kind: unet, features: [4, 8, 16], axis_strides: [[1, 2, 2]]}}`, "axis_strides: want 2 levels"},
		{"axis_strides and strides", `model: {net: {kind: attention_unet, features: [4, 8], strides: [2], axis_strides: [[1, 2, 2]]}}`, "set either strides or axis_strides, not both"},
		{"deep supervision with a cost map", `data: {cost_map: CM}
model: {net: {kind: dyn_unet, features: [4, 8, 16], deep_supervision: 1, out_channels: 2}}`, "model.net.deep_supervision: the deep-supervision loss takes no cost map"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := "data: {path: " + data + ", patch: {size: [16, 32, 32]}}\n" + tc.yaml + "\n"
			if strings.HasPrefix(tc.yaml, "data:") {
				text = strings.Replace(tc.yaml, "data: {", "data: {path: "+data+", patch: {size: [16, 32, 32]}, ", 1) + "\n"
			}
			c, err := ParseConfig("cfg.yaml", text)
			if err == nil {
				err = c.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// The semanticseg_3d preset (DynUNet, anisotropic strides, GDL+focal, Adam,
// exponential rate, early stopping) trains, here shrunk and with deep supervision.
func TestPresetSemanticSeg3DTrains(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Write(dir, synth.Semantic, 3, synth.Options{Shape: []int{8, 32, 32}, MinRadius: 3, MaxRadius: 5, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	c, err := Preset("semanticseg_3d")
	if err != nil {
		t.Fatal(err)
	}
	c.Data.Path, c.Data.Patch.Size, c.Data.Patch.PerImage, c.Data.ValRatio = dir, []int{8, 16, 16}, 2, 0.34
	u := c.Model.(FCN).Net.(DynUNet)
	u.Features, u.DeepSupervision = []int{4, 8, 8, 8}, 1
	withFCN(&c, func(m *FCN) { m.Net = u })
	c.Trainer.Epochs, c.Trainer.BatchSize, c.Trainer.SaveEverySteps = 2, 2, 1
	c.Trainer.Root, c.Trainer.Name, c.Trainer.Backend, c.Trainer.Quiet, c.Trainer.Seed = t.TempDir(), "p3d", "im2im-fast", true, 4
	run, err := TrainConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.StepLosses()) == 0 {
		t.Fatal("no steps")
	}
	for i, l := range run.StepLosses() {
		if math.IsNaN(l) || math.IsInf(l, 0) || l <= 0 {
			t.Fatalf("step %d loss %v", i, l)
		}
	}
	if d, ok := run.Metrics()["dice"]; !ok || d < 0 || d > 1 {
		t.Errorf("validation dice %v (%v)", d, ok)
	}
}
