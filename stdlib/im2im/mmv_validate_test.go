package im2im

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// TestMMVPresetsPrepare: converted embedseg and ProbUnet presets validate and
// build their patch store from synthetic data of their kind (instance labels
// for embedseg, whose centre images the store caches; class labels for
// ProbUnet). Overrides set what mmv leaves to the data (path, crop size) and
// the channels of the synthetic images.
func TestMMVPresetsPrepare(t *testing.T) {
	dir := mmvPresetDir(t)
	tests := []struct {
		preset    string
		kind      synth.Kind
		shape     []int
		overrides []string
	}{
		{"embedseg_2d", synth.Instance, []int{64, 64}, []string{"data.patch.size=32,32"}},
		{"embedseg_3d", synth.Instance, []int{8, 32, 32}, []string{"data.patch.size=8,16,16"}},
		{"ProbabilisticUnet_Segmentation_regularizers", synth.Semantic, []int{48, 48},
			[]string{"model.net.in_channels=1", "model.net.out_channels=2", "data.patch.size=32,32"}},
		{"semanticseg_2d", synth.Semantic, []int{48, 48},
			[]string{"model.net.in_channels=1", "model.net.out_channels=2", "data.patch.size=32,32"}},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "preset_train_"+tt.preset+".yaml"))
			if err != nil {
				t.Skip(err)
			}
			data := t.TempDir()
			if _, err := synth.Write(data, tt.kind, 3, synth.Options{Shape: tt.shape, MinRadius: 3, MaxRadius: 5, Seed: 5}); err != nil {
				t.Fatal(err)
			}
			over := append([]string{"data.path=" + data, "data.store=" + t.TempDir(), "data.val_ratio=0.34"}, tt.overrides...)
			conv, err := ConvertMMV(tt.preset, b, over...)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := PrepareStore(t.Context(), conv.Config, PrepareOptions{})
			if err != nil {
				t.Fatalf("prepare: %v", err)
			}
			if rep.Train+rep.Val != 3 || rep.Built != 3 {
				t.Errorf("store report %+v, want 3 subjects built", rep)
			}
		})
	}
}
