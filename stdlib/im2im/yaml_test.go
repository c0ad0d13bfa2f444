package im2im

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/data/transform"
)

func TestYAMLAndCellAreEquivalent(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	rootCell, rootYAML := t.TempDir(), t.TempDir()
	cell := tinySeg(data, rootCell)
	fromYAML, err := LoadConfig("testdata/seg.yaml", "--data.path="+data, "trainer.root="+rootYAML)
	if err != nil {
		t.Fatal(err)
	}
	fromYAML.Trainer.Root = rootCell // the only intended difference
	if a, b := cell.Resolved().YAML(), fromYAML.Resolved().YAML(); a != b {
		t.Fatalf("resolved configs differ:\ncell:\n%s\nyaml:\n%s", a, b)
	}
	fromYAML.Trainer.Root = rootYAML
	cellRun, err := Train(cell.Data, cell.Model, cell.Trainer)
	if err != nil {
		t.Fatal(err)
	}
	yamlRun, err := TrainConfig(fromYAML)
	if err != nil {
		t.Fatal(err)
	}
	// The same seed gives the same curve, bit for bit (the fast backend's parallel
	// kernels split accumulating work statically, so runs are reproducible).
	a, b := cellRun.StepLosses(), yamlRun.StepLosses()
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("loss curves differ:\ncell %v\nyaml %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("loss curves differ at step %d:\ncell %v\nyaml %v", i, a, b)
		}
	}
	t.Logf("same loss curve over %d steps: %v", len(a), a)
}

func TestLoadConfigErrors(t *testing.T) {
	_, err := LoadConfig("testdata/bad.yaml")
	if err == nil {
		t.Fatal("bad.yaml loaded")
	}
	msg := err.Error()
	for _, want := range []string{
		`data.normalise: unknown key; did you mean "normalize"? (line 3)`,
		`data.patch.per_imag: unknown key; did you mean "per_image"? (line 6)`,
		`model.loss.kind: unknown kind "dicece" (want ce, dice, dice_ce, focal, gdl_focal, generalized_dice, huber, l1, mse); did you mean "dice_ce"?`,
		`trainer.epoch: unknown key; did you mean "epochs"?`,
		// Validation runs too, on what could be decoded.
		`model.net.features: want ≥ 2 levels, got 1`,
		`trainer.lr: must be positive, got -1`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

// TestLoadConfigReportsEverything: decoding problems (unknown keys and kinds) and
// validation problems come in one ValidationError, without a decoding problem
// repeated by validation.
func TestLoadConfigReportsEverything(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
		not        []string
	}{
		{"unknown keys and invalid values", `
data:
  patch: {size: [30, 30]}
model:
  net: {kind: unet, dims: 2, features: [8]}
  loss: {kind: dicey}
trainer:
  epoch: 3
  lr: -1
`, []string{
			`model.loss.kind: unknown kind "dicey"`,
			`trainer.epoch: unknown key; did you mean "epochs"?`,
			`data.path: missing`,
			`model.net.features: want ≥ 2 levels, got 1`,
			`trainer.lr: must be positive, got -1`,
		}, nil},
		{"undecodable value is not re-reported", `
data: {path: /x, patch: {size: [a, 32]}}
trainer: {epochz: 1, batch_size: -1}
`, []string{
			`data.patch.size[0]: want a int, got "a"`,
			`trainer.epochz: unknown key`,
			`trainer.batch_size: must be at least 1, got -1`,
		}, []string{`data.patch.size[0]: must be positive`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("cfg.yaml", tc.yaml)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a ValidationError, got %T: %v", err, err)
			}
			msg := err.Error()
			if strings.Count(msg, "invalid configuration") != 1 {
				t.Errorf("not one error:\n%s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(msg, w) {
					t.Errorf("error repeats %q:\n%s", w, msg)
				}
			}
			if len(ve.Problems) < len(tc.want) {
				t.Errorf("%d problems, want ≥ %d: %v", len(ve.Problems), len(tc.want), ve.Problems)
			}
		})
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	c := Config{
		Data:    Data{Patch: Patch{Size: []int{30, 30, 30}}, Augment: []Transform{T("rand_flip", map[string]any{"prob": 2.0})}},
		Model:   FCN{Net: UNet{Dims: 2, Features: []int{8}}, Metrics: []string{"dise"}},
		Trainer: Trainer{LR: -1, BatchSize: -2},
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	ve, ok := err.(*ValidationError)
	if !ok {
		t.Fatalf("%T: %v", err, err)
	}
	msg := err.Error()
	for _, want := range []string{
		"data.path: missing",
		"model.net.dims: 2 but the data is 3D",
		"model.net.features: want ≥ 2 levels, got 1",
		"data.augment[0]: transform \"rand_flip\"",
		"model.metrics: unknown metric \"dise\"",
		"trainer.lr: must be positive, got -1",
		"trainer.batch_size: must be at least 1, got -2",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if len(ve.Problems) < 7 {
		t.Errorf("%d problems: %v", len(ve.Problems), ve.Problems)
	}
	// Patch size not divisible by the net's total stride.
	c = tinySeg(t.TempDir(), "/tmp")
	c.Data.Patch.Size = []int{32, 30}
	withFCN(&c, func(m *FCN) { m.Net = UNet{Dims: 2, Features: []int{4, 8, 16}, OutChannels: 2} })
	err = c.Validate()
	if err == nil || !strings.Contains(err.Error(), "data.patch.size[1]: 30 is not a multiple of 4") {
		t.Errorf("divisibility: %v", err)
	}
	if err := tinySeg(t.TempDir(), "/tmp").Validate(); err != nil {
		t.Errorf("good config: %v", err)
	}
	// Data folders that do not exist are named with their key.
	missing := filepath.Join(t.TempDir(), "nope")
	for _, tc := range []struct {
		edit func(*Data)
		want string
	}{
		{func(d *Data) { d.Path = missing }, "data.path: " + missing + " does not exist"},
		{func(d *Data) { d.Path, d.Train, d.Val = "", missing, t.TempDir() }, "data.train: " + missing + " does not exist"},
		{func(d *Data) { d.Path, d.Train, d.Val = "", t.TempDir(), missing }, "data.val: " + missing + " does not exist"},
	} {
		c := tinySeg("", "/tmp")
		tc.edit(&c.Data)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want %q, got %v", tc.want, err)
		}
	}
}

func TestOverrides(t *testing.T) {
	tests := []struct {
		name      string
		overrides []string
		check     func(Config) bool
		err       string
	}{
		{"list", []string{"--data.patch.size=16,64,64"}, func(c Config) bool { return reflect.DeepEqual(c.Data.Patch.Size, []int{16, 64, 64}) }, ""},
		{"scalar", []string{"trainer.epochs=7"}, func(c Config) bool { return c.Trainer.Epochs == 7 }, ""},
		{"kind", []string{"model.net.kind=attention_unet"}, func(c Config) bool { _, ok := c.Model.(FCN).Net.(AttentionUNet); return ok }, ""},
		{"index", []string{"data.augment.0.params.prob=0.25"}, func(c Config) bool { return c.Data.Augment[0].Params["prob"] == 0.25 }, ""},
		{"new key", []string{"model.predict.overlap=0.5"}, func(c Config) bool { return c.Model.(FCN).Predict.Overlap == 0.5 }, ""},
		{"unknown", []string{"trainer.epocs=3"}, nil, `trainer.epocs: unknown key; did you mean "epochs"?`},
		{"bad value", []string{"trainer.epochs=many"}, nil, `trainer.epochs: want a int, got "many"`},
		{"no value", []string{"trainer.epochs"}, nil, `want key.path=value`},
		{"bad index", []string{"data.augment.9.name=x"}, nil, `not an index`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadConfig("testdata/seg.yaml", tc.overrides...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("override not applied: %+v", c)
			}
		})
	}
}

func TestPresets(t *testing.T) {
	for _, name := range Presets() {
		c, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		c.Data.Path = t.TempDir()
		if err := c.Validate(); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
		// A preset's YAML loads back to the same configuration.
		dir := t.TempDir()
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(c.YAML()), 0o644); err != nil {
			t.Fatal(err)
		}
		back, err := LoadConfig(p)
		if err != nil {
			t.Fatalf("preset %s: %v", name, err)
		}
		if back.Resolved().YAML() != c.Resolved().YAML() {
			t.Errorf("preset %s does not round-trip:\n%s\nvs\n%s", name, back.YAML(), c.YAML())
		}
	}
	// A preset name instead of a file, with overrides.
	c, err := LoadConfig("semanticseg_3d", "data.path=/x", "data.patch.size=16,64,64")
	if err != nil {
		t.Fatal(err)
	}
	if c.Data.Path != "/x" || c.Model.(FCN).Net.config().Dims != 3 || c.Data.Patch.Size[0] != 16 {
		t.Errorf("preset with overrides: %+v", c)
	}
	if _, err := Preset("semanticseg2d"); err == nil || !strings.Contains(err.Error(), `did you mean "semanticseg_2d"?`) {
		t.Errorf("unknown preset: %v", err)
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, p := range []string{"testdata/seg.yaml", "testdata/bad.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "trainer.epochs=3")
	}
	f.Add("model: {net: {kind: dyn_unet}}", "data.patch.size=8,8")
	f.Fuzz(func(t *testing.T, text, override string) {
		c, err := ParseConfig("fuzz", text, override)
		if err != nil {
			return
		}
		_ = c.Validate()
		// What loads renders, and the rendering loads back to the same text.
		y := c.YAML()
		back, err := ParseConfig("again", y)
		if err != nil {
			t.Fatalf("rendered config does not load: %v\n%s", err, y)
		}
		if back.YAML() != y {
			t.Fatalf("round trip changed the config:\n%s\nvs\n%s", y, back.YAML())
		}
	})
}

func TestCostMapNeedsWeightedLoss(t *testing.T) {
	c := tinySeg(t.TempDir(), "/tmp")
	c.Data.CostMap = "CM"
	withFCN(&c, func(m *FCN) { m.Loss = Dice{} })
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "data.cost_map: loss dice does not take per-voxel weights") {
		t.Errorf("dice with cost map: %v", err)
	}
	withFCN(&c, func(m *FCN) { m.Loss = DiceCE{} })
	if err := c.Validate(); err != nil {
		t.Errorf("dice_ce with cost map: %v", err)
	}
}

func TestThresholdMethodConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		want       string // the framework's method, or
		err        string // a validation problem
	}{
		{"default fixed", "model: {net: {kind: unet, out_channels: 1}, loss: {kind: ce}}", "fixed", ""},
		{"otsu", "model: {net: {kind: unet, out_channels: 1}, loss: {kind: ce}, predict: {threshold_method: Otsu}}", "otsu", ""},
		{"otsu needs one channel", "model: {net: {kind: unet, out_channels: 2}, predict: {threshold_method: otsu}}", "",
			"model.predict.threshold_method: otsu thresholds one output channel; the net has 2"},
		{"unknown", "model: {predict: {threshold_method: median}}", "",
			`model.predict.threshold_method: want fixed or otsu, got "median"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig("cfg.yaml", tc.yaml, "data.path="+dir)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Validate()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f, err := c.Resolved().fcn().fcnEngine(c.Resolved(), "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if f.Predict.ThresholdMethod != tc.want {
				t.Errorf("framework threshold method %q, want %q", f.Predict.ThresholdMethod, tc.want)
			}
		})
	}
}

// TestIgnoredSettingsAreProblems: settings that would silently do nothing are
// validation problems naming their key.
func TestIgnoredSettingsAreProblems(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		edit func(*Config)
		want string // empty: valid
	}{
		{"warmup with constant", func(c *Config) { withFCN(c, func(m *FCN) { m.Schedule = Schedule{WarmupSteps: 10} }) },
			"model.schedule.warmup_steps: only the cosine schedule warms up; model.schedule.kind is constant"},
		{"warmup with exponential", func(c *Config) {
			withFCN(c, func(m *FCN) { m.Schedule = Schedule{Kind: "exponential", WarmupSteps: 10} })
		},
			"model.schedule.warmup_steps: only the cosine schedule warms up; model.schedule.kind is exponential"},
		{"warmup with cosine", func(c *Config) { withFCN(c, func(m *FCN) { m.Schedule = Schedule{Kind: "cosine", WarmupSteps: 10} }) }, ""},
		{"patience without validation", func(c *Config) { c.Data.ValRatio, c.Trainer.Patience = -1, 3 },
			"trainer.patience: needs validation data"},
		{"monitor without validation", func(c *Config) { c.Data.ValRatio, c.Trainer.Monitor = -1, "dice" },
			"trainer.monitor: needs validation data"},
		{"plateau without validation", func(c *Config) { withFCN(c, func(m *FCN) { c.Data.ValRatio, m.Schedule.Kind = -1, "plateau" }) },
			"model.schedule.kind: plateau needs validation data"},
		{"no validation, nothing depending on it", func(c *Config) { c.Data.ValRatio = -1 }, ""},
		{"patience with a val folder", func(c *Config) {
			c.Data.Path, c.Data.Train, c.Data.Val, c.Data.ValRatio, c.Trainer.Patience = "", dir, dir, -1, 3
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tinySeg(dir, "/tmp")
			tc.edit(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("valid config: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestAugmentMatchesTask: rand_elastic resamples the target nearest-neighbour
// only for segmentation; rand_rot90 needs square Y-X patches.
func TestAugmentMatchesTask(t *testing.T) {
	tests := []struct {
		name    string
		seg     bool
		costMap string
		params  map[string]any
		want    []string
	}{
		{"segmentation", true, "", nil, []string{"GT"}},
		{"segmentation with cost map", true, "CM", nil, []string{"GT", "CM"}},
		{"regression", false, "", nil, []string{}},
		{"regression with cost map", false, "CM", nil, []string{"CM"}},
		{"given keys kept", false, "", map[string]any{"label_keys": []any{"GT"}}, []string{"GT"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Config{Data: Data{CostMap: tc.costMap, Augment: []Transform{T("rand_elastic", tc.params)}}}.Resolved().Data
			_, random, _, err := chains(d, tc.seg)
			if err != nil {
				t.Fatal(err)
			}
			got := "no rand_elastic"
			for _, x := range random {
				if x.Name() == "rand_elastic" {
					got = fmt.Sprint(transform.Params(x)["label_keys"])
				}
			}
			if want := fmt.Sprint(tc.want); got != want {
				t.Errorf("label_keys %s, want %s", got, want)
			}
		})
	}
	// rand_rot90 on patches that are not square in Y-X.
	dir := t.TempDir()
	for _, tc := range []struct {
		size []int
		bad  bool
	}{{[]int{32, 64}, true}, {[]int{8, 32, 64}, true}, {[]int{32, 32}, false}, {[]int{8, 32, 32}, false}} {
		c := tinySeg(dir, "/tmp")
		c.Data.Patch.Size = tc.size
		withFCN(&c, func(m *FCN) { m.Net = UNet{Dims: len(tc.size), Features: []int{4, 8}, OutChannels: 2} })
		err := c.Validate()
		want := fmt.Sprintf("data.augment[1]: rand_rot90 swaps Y and X, but data.patch.size %v is not square in Y-X", tc.size)
		if tc.bad != (err != nil && strings.Contains(err.Error(), want)) {
			t.Errorf("patch %v: %v", tc.size, err)
		}
		if !tc.bad && err != nil {
			t.Errorf("patch %v: %v", tc.size, err)
		}
	}
}
