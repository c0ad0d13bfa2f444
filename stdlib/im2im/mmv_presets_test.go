package im2im

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mmvPresetDir holds mmv_im2im's 19 preset configs (the project's shared
// reference copy; MMV_PRESETS overrides). Tests that need it skip without it.
func mmvPresetDir(t *testing.T) string {
	dir := os.Getenv("MMV_PRESETS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "reference", "mmv_presets")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no mmv_im2im presets at %s", dir)
	}
	return dir
}

// mmvUnconvertible are the presets that fail, with the path of their one
// problem: nnU-Net's self-configuration, and ProbUnet's vector regression.
var mmvUnconvertible = map[string]string{
	"preset_train_nnUnet_Regression.yaml":                "model.framework",
	"preset_train_nnUnet_Segmentation_regularizers.yaml": "model.framework",
	"preset_train_ProbabilisticUnet_Regression.yaml":     "model.net.params.task",
}

// TestMMVPresets converts every mmv_im2im preset: all convert (their notes
// are logged) but mmvUnconvertible's, which fail naming the one part im2im
// lacks.
func TestMMVPresets(t *testing.T) {
	dir := mmvPresetDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) == 0 {
		t.Skip("no presets")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !IsMMVConfig(b) {
				t.Fatalf("%s not recognised as an mmv_im2im config", name)
			}
			conv, err := ConvertMMV(name, b)
			if path, bad := mmvUnconvertible[name]; bad {
				var me *MMVError
				if !errors.As(err, &me) || len(me.Problems) != 1 || me.Problems[0].Path != path {
					t.Fatalf("want one problem at %s, got %v", path, err)
				}
				t.Logf("%v", err)
				return
			}
			if err != nil {
				t.Fatalf("convert: %v", err)
			}
			dropped := 0
			for _, n := range conv.Notes {
				if n.Line == 0 || n.Path == "" || n.Message == "" {
					t.Errorf("note without path, line or message: %+v", n)
				}
				dropped++
			}
			t.Logf("%s: %d settings dropped or approximated", name, dropped)
			for _, n := range conv.Notes {
				t.Logf("  %s", n)
			}
			back, err := ParseConfig(name, conv.YAML)
			if err != nil {
				t.Fatalf("converted YAML does not load: %v\n%s", err, conv.YAML)
			}
			if back.YAML() != conv.Config.YAML() {
				t.Errorf("round trip differs:\n%s\nvs\n%s", back.YAML(), conv.Config.YAML())
			}
		})
	}
}
