package im2im

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/im2im/im2im/ml/framework"
)

// Predicted is one image written by predict and the sliding window it was
// predicted with.
type Predicted struct {
	// Path is the written prediction, Input the image it was predicted from.
	Path, Input string
	// Window is the window per predicted unit (a plane of a 2D model, a time
	// point of a 3D one) and why it was chosen.
	Window framework.WindowChoice
	// Uncertainty is the written uncertainty map, <stem>_uncertainty.ome.tiff
	// ("" when the model has none).
	Uncertainty string
}

// Sidecar is the JSON file written next to the prediction: <stem>_pred.json.
func (p Predicted) Sidecar() string {
	return strings.TrimSuffix(p.Path, ".ome.tiff") + ".json"
}

// String is the prediction's path and window on one line (and the
// uncertainty map's path when one was written).
func (p Predicted) String() string {
	s := p.Path + ": " + p.Window.String()
	if p.Uncertainty != "" {
		s += "; uncertainty: " + p.Uncertainty
	}
	return s
}

// writeSidecar writes the window of the prediction to Sidecar().
func (p Predicted) writeSidecar() error {
	w := p.Window
	m := map[string]any{
		"input": p.Input, "prediction": p.Path,
		"window": w.Window, "windows": w.Windows, "whole_image": w.Whole, "reason": w.Reason,
		"batch_size": w.BatchSize, "max_voxels": w.MaxVoxels,
	}
	if p.Uncertainty != "" {
		m["uncertainty"] = p.Uncertainty
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(p.Sidecar(), append(b, '\n'), 0o644)
}
