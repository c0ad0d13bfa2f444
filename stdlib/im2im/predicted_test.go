package im2im

import (
	"strings"
	"testing"

	"github.com/im2im/im2im/ml/framework"
)

// A tiled prediction warns when the net normalises per window (instance or
// group norm without whole-image statistics), and only then.
func TestTilingWarning(t *testing.T) {
	tiled := framework.ChooseWindow([]int{2048, 2048}, nil, []int{8, 8}, 1<<20, 4, 0.25)
	whole := framework.ChooseWindow([]int{512, 512}, nil, []int{8, 8}, 1<<20, 4, 0.25)
	wholeStats := tiled
	wholeStats.NormPasses = 19
	for _, tc := range []struct {
		name string
		w    framework.WindowChoice
		norm string
		want bool
	}{
		{"instance norm tiled", tiled, "instance", true},
		{"group norm tiled", tiled, "group", true},
		{"batch norm tiled", tiled, "batch", false},
		{"no norm tiled", tiled, "none", false},
		{"instance norm whole", whole, "instance", false},
		{"instance norm tiled on whole-image statistics", wholeStats, "instance", false},
		{"group norm tiled on whole-image statistics", wholeStats, "group", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tilingWarning(tc.w, tc.norm)
			if (got != "") != tc.want {
				t.Fatalf("warning %q, want one: %v", got, tc.want)
			}
			if tc.want && (!strings.Contains(got, tc.norm+" norm") || !strings.Contains(got, "max_voxels")) {
				t.Errorf("warning %q should name the norm and the setting to raise", got)
			}
			p := Predicted{Path: "x_pred.ome.tiff", Window: tc.w, Warning: got}
			if strings.Contains(p.String(), "WARNING") != tc.want {
				t.Errorf("String() %q", p.String())
			}
			if tc.w.NormPasses > 0 && !strings.Contains(p.String(), "whole-image normalisation statistics: 19 passes over 9 windows") {
				t.Errorf("String() %q does not name the passes", p.String())
			}
		})
	}
}
