package im2im

import (
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// trainTinyYAML writes 4 synthetic pairs of kind (shape side×side, small
// nuclei) into a new folder, trains the YAML template (%DATA% and %ROOT%
// replaced by that folder and a new runs folder) and checks that the run's
// resolved config loads back to the same YAML. It returns the run and the
// data folder.
func trainTinyYAML(t *testing.T, kind synth.Kind, side, minR, maxR int, template string) (*Run, string) {
	t.Helper()
	data := t.TempDir()
	o := synth.Options{Shape: []int{side, side}, MinRadius: float64(minR), MaxRadius: float64(maxR), Seed: 7}
	if _, err := synth.Write(data, kind, 4, o); err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("%DATA%", data, "%ROOT%", t.TempDir()).Replace(template)
	c, err := ParseConfig("tiny.yaml", text)
	if err != nil {
		t.Fatal(err)
	}
	run, err := TrainConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	r := run.Config
	again, err := ParseConfig("config.yaml", r.YAML())
	if err != nil {
		t.Fatalf("resolved YAML does not load back: %v\n%s", err, r.YAML())
	}
	if again.YAML() != r.YAML() {
		t.Errorf("YAML round trip differs:\n%s\nvs\n%s", again.YAML(), r.YAML())
	}
	return run, data
}
