package im2im

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/loss"
)

// TestGeneralizedDiceLosses: the YAML kinds decode to the DSL losses, which build
// the ml/loss losses with their fields, round-trip through YAML, and train.
func TestGeneralizedDiceLosses(t *testing.T) {
	tests := []struct {
		yaml     string
		want     Loss
		built    any
		weighted bool
	}{
		{"{kind: generalized_dice}", GeneralizedDice{}, loss.GeneralizedDice{}, false},
		{"{kind: gdl_focal, gamma: 3, class_weights: [1, 4], lambda_gdl: 0.5, lambda_focal: 2}",
			GDLFocal{Gamma: 3, ClassWeights: []float64{1, 4}, LambdaGDL: 0.5, LambdaFocal: 2},
			loss.GDLFocal{Gamma: 3, ClassWeights: []float64{1, 4}, LambdaGDL: 0.5, LambdaFocal: 2}, true},
	}
	for _, tc := range tests {
		t.Run(tc.want.Kind(), func(t *testing.T) {
			c, err := ParseConfig("cfg.yaml", "model: {net: {kind: unet, out_channels: 2}, loss: "+tc.yaml+"}")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Model.(FCN).Loss, tc.want) {
				t.Fatalf("decoded %#v, want %#v", c.Model.(FCN).Loss, tc.want)
			}
			if got := c.Model.(FCN).Loss.build(); !reflect.DeepEqual(got, tc.built) {
				t.Errorf("built %#v, want %#v", got, tc.built)
			}
			if !c.Model.(FCN).Loss.segmentation() {
				t.Error("not a segmentation loss")
			}
			back, err := ParseConfig("back.yaml", c.YAML())
			if err != nil || !reflect.DeepEqual(back.Model.(FCN).Loss, tc.want) {
				t.Errorf("round trip: %#v, %v", back.Model.(FCN).Loss, err)
			}
			// Only a loss that takes voxel weights accepts a cost map.
			v := tinySeg(t.TempDir(), "/tmp")
			withFCN(&v, func(m *FCN) { m.Loss, v.Data.CostMap = tc.want, "CM" })
			err = v.Validate()
			if tc.weighted != (err == nil) {
				t.Errorf("cost map with %s: %v", tc.want.Kind(), err)
			}
			if err != nil && !strings.Contains(err.Error(), "data.cost_map: loss "+tc.want.Kind()) {
				t.Errorf("cost map error: %v", err)
			}
			// It trains through the framework: finite losses.
			r := tinySeg(synthDir(t, synth.Semantic, 4), t.TempDir())
			withFCN(&r, func(m *FCN) { m.Loss, r.Trainer.Epochs = tc.want, 1 })
			run, err := TrainConfig(r)
			if err != nil {
				t.Fatal(err)
			}
			losses := run.StepLosses()
			if len(losses) == 0 {
				t.Fatal("no step losses")
			}
			for _, l := range losses {
				if math.IsNaN(l) || math.IsInf(l, 0) || l <= 0 {
					t.Errorf("step losses %v", losses)
					break
				}
			}
		})
	}
}
