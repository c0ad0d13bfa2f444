package im2im

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/stdlib/display"
)

// imageExts are the file name endings Predict treats as images.
var imageExts = []string{".ome.tiff", ".ome.tif", ".tiff", ".tif", ".npy", ".png"}

func imageStem(name string) (string, bool) {
	lower := strings.ToLower(name)
	for _, e := range imageExts {
		if strings.HasSuffix(lower, e) {
			return name[:len(name)-len(e)], true
		}
	}
	return name, false
}

// predictInputs lists the images to predict: input itself when it is a file;
// in a folder the files tagged _<role> (X_IM.tiff) when there are any, else every
// image file not already a prediction.
func predictInputs(input, role string) ([]string, error) {
	fi, err := os.Stat(input)
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	if !fi.IsDir() {
		return []string{input}, nil
	}
	entries, err := os.ReadDir(input)
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	var tagged, all []string
	for _, e := range entries {
		stem, ok := imageStem(e.Name())
		if e.IsDir() || !ok || strings.HasSuffix(stem, "_pred") {
			continue
		}
		p := filepath.Join(input, e.Name())
		all = append(all, p)
		if strings.HasSuffix(stem, "_"+role) {
			tagged = append(tagged, p)
		}
	}
	if len(tagged) > 0 {
		all = tagged
	}
	sort.Strings(all)
	if len(all) == 0 {
		return nil, fmt.Errorf("predict: no images in %s", input)
	}
	return all, nil
}

// loadModel builds the resolved config's model on a backend and loads weights
// from checkpoint, sized for inChannels input channels.
func loadModel(r Config, checkpoint string, inChannels int) (*framework.Model, backends.Backend, error) {
	b, _, err := newBackend(r.Trainer.Backend)
	if err != nil {
		return nil, nil, err
	}
	f, err := toFramework(r, nil)
	if err != nil {
		return nil, nil, err
	}
	m, err := framework.New(b, f)
	if err != nil {
		return nil, nil, err
	}
	example := append([]int{1, inChannels}, r.Model.Predict.Window...)
	if err := m.Load(checkpoint, example); err != nil {
		return nil, nil, err
	}
	return m, b, nil
}

// readInput reads an image as [C, (Z,) Y, X] float32 for dims 2 or 3.
func readInput(path string, dims int) (*array.Array, error) {
	order := map[int]string{2: "CYX", 3: "CZYX"}[dims]
	data, shape, _, err := imageio.ReadFloat32(path, imageio.Selection{Dims: order, T: imageio.At(0)})
	if err != nil {
		return nil, err
	}
	return array.FromData(data, shape...)
}

// preprocess runs the cached part of the data chain (normalisation,
// preprocessing) on a sample, as in training.
func preprocess(d Data, s *array.Sample) (*array.Sample, error) {
	det, _, _, err := chains(d, false)
	if err != nil {
		return nil, err
	}
	out, err := det.Apply(s, nil)
	if err != nil {
		return nil, err
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("preprocessing gave %d samples, want 1", len(out))
	}
	return out[0], nil
}

// Predict predicts every image of input (a file or a folder) with the model of
// a configuration and checkpoint, and writes <stem>_pred.ome.tiff files to
// outDir. It returns the written paths.
func Predict(c Config, checkpoint, input, outDir string) ([]string, error) {
	return PredictContext(display.Context(), c, checkpoint, input, outDir)
}

// PredictContext is Predict with an explicit context.
func PredictContext(ctx context.Context, c Config, checkpoint, input, outDir string) ([]string, error) {
	r := c.Resolved()
	files, err := predictInputs(input, r.Data.Input)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	var m *framework.Model
	var b backends.Backend
	defer func() {
		if b != nil {
			b.Finalize()
		}
	}()
	var written []string
	for _, f := range files {
		in, err := readInput(f, r.Data.Dims)
		if err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		if m == nil {
			if m, b, err = loadModel(r, checkpoint, in.Shape[0]); err != nil {
				return written, err
			}
		}
		stem, _ := imageStem(filepath.Base(f))
		s := array.NewSample(stem)
		s.Arrays[r.Data.Input] = in
		if s, err = preprocess(r.Data, s); err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		x := s.Arrays[r.Data.Input]
		out, shape, err := m.Predict(ctx, x.Data, x.Shape)
		if err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		stem = strings.TrimSuffix(stem, "_"+r.Data.Input)
		p := filepath.Join(outDir, stem+"_pred.ome.tiff")
		order := map[int]string{3: "CYX", 4: "CZYX"}[len(shape)]
		a, err := imageio.FromFloat32(out, order, shape...)
		if err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		if err := imageio.WriteOMETIFF(p, a, imageio.WriteMeta{Name: stem}, imageio.WriteOptions{}); err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		written = append(written, p)
	}
	return written, nil
}

// Predict predicts input (a file or a folder) with the run's trained model,
// writing <stem>_pred.ome.tiff files to outDir.
func (r *Run) Predict(input, outDir string) ([]string, error) {
	return Predict(r.Config, r.Checkpoint(), input, outDir)
}
