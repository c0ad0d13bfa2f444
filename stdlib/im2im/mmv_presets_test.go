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

// TestMMVPresets converts every mmv_im2im preset: FCN, pix2pix and CycleGAN
// ones convert (their notes are logged), the others fail naming the framework.
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
			unsupported := strings.Contains(name, "embedseg") || strings.Contains(name, "Probabilistic") || strings.Contains(name, "nnUnet")
			conv, err := ConvertMMV(name, b)
			if unsupported {
				var me *MMVError
				if !errors.As(err, &me) || len(me.Problems) != 1 || me.Problems[0].Path != "model.framework" ||
					!strings.Contains(me.Problems[0].Message, "not in im2im yet") {
					t.Fatalf("want one framework error, got %v", err)
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
