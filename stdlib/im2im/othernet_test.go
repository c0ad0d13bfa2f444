package im2im

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// withNet returns run's config with its U-Net changed by f.
func withNet(t *testing.T, c Config, f func(u *UNet)) Config {
	t.Helper()
	withFCN(&c, func(m *FCN) {
		u, ok := m.Net.(UNet)
		if !ok {
			t.Fatalf("net %T", m.Net)
		}
		f(&u)
		m.Net = u
	})
	return c
}

// A checkpoint of another net is named as such, with the net its run was
// trained as and how to predict with it; a checkpoint of the same net with
// other output channels keeps the channels explanation.
func testPredictOtherNet(t *testing.T, run *Run, data string) {
	img := filepath.Join(data, "semantic_000_IM.ome.tiff")
	for _, tc := range []struct {
		name     string
		c        Config
		otherNet bool
		want     []string
	}{
		{"other features", withNet(t, run.Config, func(u *UNet) { u.Features = []int{8, 16} }), true,
			[]string{"belongs to another net than the config's fcn with a 2D unet (features [8 16]", "it was trained as fcn with a 2D unet (features [4 8]", "have other shapes", "predict with --run " + run.Dir}},
		{"other norm", withNet(t, run.Config, func(u *UNet) { u.Norm = "batch" }), true,
			[]string{"norm batch", "norm instance", "model variables are not in it (e.g. /", "predict with --run " + run.Dir}},
		{"other out_channels", withNet(t, run.Config, func(u *UNet) { u.OutChannels = 3 }), false,
			[]string{"do not fit the net of", "/head/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Predict(tc.c, run.Checkpoint(), img, t.TempDir())
			var ve *ValidationError
			if err == nil || errors.As(err, &ve) != tc.otherNet || strings.Contains(err.Error(), "another net") != tc.otherNet {
				t.Fatalf("error %v: want other net %v", err, tc.otherNet)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
