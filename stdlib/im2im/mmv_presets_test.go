package im2im

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
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

// TestMMVInferencePresets: mmv's inference presets give the sliding window
// (roi_size, overlap, sw_batch_size), the channel their reader selects, the
// rank, and the checkpoint they load.
func TestMMVInferencePresets(t *testing.T) {
	dir := mmvPresetDir(t)
	tests := []struct {
		file       string
		window     []int
		overlap    float64
		batch      int
		dims       int
		checkpoint string
	}{
		{"preset_inference_labelfree_3d.yaml", []int{32, 128, 128}, 0.2, 4, 3, ""},
		{"preset_inference_pix2pixhd_2d.yaml", []int{1024, 1024}, 0.2, 4, 2, "/mnt/eternus/users/Jianxu/logs/lightning_logs/version_1/checkpoints/last.ckpt"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Skip(err)
			}
			conv, err := ConvertMMV(tt.file, b)
			if err != nil {
				t.Fatal(err)
			}
			p := conv.Config.Model.fcnView().Predict
			if !slices.Equal(p.Window, tt.window) || p.Overlap != tt.overlap || p.BatchSize != tt.batch || !slices.Equal(p.Channels, []int{0}) {
				t.Errorf("predict %+v, want window %v overlap %v batch %d channels [0]", p, tt.window, tt.overlap, tt.batch)
			}
			if conv.Config.Data.Dims != tt.dims {
				t.Errorf("dims %d, want %d", conv.Config.Data.Dims, tt.dims)
			}
			if conv.Inference.Checkpoint != tt.checkpoint {
				t.Errorf("checkpoint %q, want %q", conv.Inference.Checkpoint, tt.checkpoint)
			}
		})
	}
}

// TestMMVInferenceFolders: data.inference_input/output give the folders, and
// reader selections im2im does not make are noted.
func TestMMVInferenceFolders(t *testing.T) {
	y := "mode: inference\ndata:\n  inference_input:\n    dir: in/\n    data_type: .tif\n    reader_params: {dimension_order_out: YX, C: 1, T: 0, Z: 0}\n  inference_output:\n    path: out/\n    suffix: _seg\n"
	conv, err := ConvertMMV("inf.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	if conv.Inference.Input != "in/" || conv.Inference.Output != "out/" {
		t.Errorf("folders %+v", conv.Inference)
	}
	if ch := conv.Config.Model.fcnView().Predict.Channels; !slices.Equal(ch, []int{1}) {
		t.Errorf("channels %v, want [1]", ch)
	}
	want := []string{"data.inference_input.data_type", "data.inference_input.reader_params.T", "data.inference_input.reader_params.Z", "data.inference_output.suffix"}
	for _, w := range want {
		if !slices.ContainsFunc(conv.Notes, func(n MMVNote) bool { return n.Path == w && n.Line > 0 }) {
			t.Errorf("no note for %s: %v", w, conv.Notes)
		}
	}
}
