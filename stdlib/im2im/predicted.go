package im2im

import (
	"encoding/json"
	"fmt"
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
	// Warning says when the prediction depends on the tiling: the image did
	// not fit one window and a net with instance or group norm normalised
	// each window by its own statistics (frameworks other than fcn; fcn
	// normalises tiled images with whole-image statistics, see
	// framework.WindowChoice.NormPasses).
	Warning string
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
	if p.Warning != "" {
		s += "\n  WARNING: " + p.Warning
	}
	return s
}

// tilingWarning is Predicted.Warning for a prediction in window choice w by
// a net normalised with norm ("" when the prediction does not depend on the
// tiling: one window, batch or no norm, or whole-image statistics).
func tilingWarning(w framework.WindowChoice, norm string) string {
	if w.Whole || w.NormPasses > 0 || (norm != "instance" && norm != "group") {
		return ""
	}
	return fmt.Sprintf("the net's %s norm normalises each of the %d windows by its own statistics, so this prediction depends on the tiling (empty windows can show false objects); "+
		"predict the image whole with a larger model.predict.max_voxels (now %d), or train with batch norm", norm, w.Windows, w.MaxVoxels)
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
	if w.NormPasses > 0 {
		m["whole_image_norm_passes"] = w.NormPasses
	}
	if p.Warning != "" {
		m["warning"] = p.Warning
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(p.Sidecar(), append(b, '\n'), 0o644)
}
