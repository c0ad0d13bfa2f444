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
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/stdlib/display"
)

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
		stem, ok := imageio.Stem(e.Name())
		if e.IsDir() || !ok || strings.HasSuffix(stem, "_pred") || strings.HasSuffix(stem, "_uncertainty") {
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
	f, err := r.Model.engine(r, "", nil)
	if err != nil {
		b.Finalize()
		return nil, nil, err
	}
	m, err := framework.New(b, f)
	if err != nil {
		b.Finalize()
		return nil, nil, err
	}
	// The example only sizes the variables: the declared window, else the patch.
	spatial := r.fcn().Predict.Window
	if len(spatial) == 0 {
		spatial = r.Data.Patch.Size
	}
	example := append([]int{1, inChannels}, spatial...)
	if err := m.Load(checkpoint, example); err != nil {
		b.Finalize()
		return nil, nil, err
	}
	return m, b, nil
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

// predictChannels returns the image channels fed to the net: model.predict.channels,
// or all c channels of the image.
func predictChannels(p Prediction, c int) ([]int, error) {
	if len(p.Channels) == 0 {
		all := make([]int, c)
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	for _, ch := range p.Channels {
		if ch < 0 || ch >= c {
			return nil, fmt.Errorf("model.predict.channels %v: the image has %d channel(s) (0..%d)", p.Channels, c, c-1)
		}
	}
	return append([]int(nil), p.Channels...), nil
}

// describeChannels says which channels were selected, for error messages.
func describeChannels(p Prediction, chans []int) string {
	if len(p.Channels) == 0 {
		return fmt.Sprintf("all %d channel(s) of the image (model.predict.channels unset)", len(chans))
	}
	return fmt.Sprintf("channels %v (model.predict.channels)", chans)
}

// preprocessTCZYX selects channels of a TCZYX image and runs the cached data
// chain on every unit the net sees alone — a time point (3D) or a (time point,
// z) plane (2D) — as training ran it on one image; it returns the result as
// TCZYX again.
func preprocessTCZYX(d Data, id string, x []float32, shape, chans []int) ([]float32, []int, error) {
	T, C, Z, Y, X := shape[0], shape[1], shape[2], shape[3], shape[4]
	plane := Y * X
	units, planes, unitShape := T, 1, []int{len(chans), Z, Y, X}
	if d.Dims == 2 {
		units, planes, unitShape = T*Z, Z, []int{len(chans), Y, X}
	}
	unitN := Z * plane / planes
	var out []float32
	var outShape []int // [C', (Z',) Y', X'] of one unit
	var outN int
	for u := 0; u < units; u++ {
		t, z := u/planes, u%planes
		a := array.New(unitShape...)
		for i, c := range chans {
			base := (t*C+c)*Z*plane + z*plane
			copy(a.Data[i*unitN:(i+1)*unitN], x[base:base+unitN])
		}
		s := array.NewSample(id)
		s.Arrays[d.Input] = a
		s, err := preprocess(d, s)
		if err != nil {
			return nil, nil, err
		}
		p := s.Arrays[d.Input]
		if p == nil {
			return nil, nil, fmt.Errorf("preprocessing removed %s", d.Input)
		}
		if out == nil {
			if len(p.Shape) != len(unitShape) {
				return nil, nil, fmt.Errorf("preprocessing changed the image's shape %v into %v", unitShape, p.Shape)
			}
			outShape, outN = append([]int(nil), p.Shape...), len(p.Data)/p.Shape[0]
			out = make([]float32, units*len(p.Data))
		} else if !array.SameShape(p.Shape, outShape) {
			return nil, nil, fmt.Errorf("preprocessing gave shape %v for time point %d, z %d but %v before", p.Shape, t, z, outShape)
		}
		c2 := outShape[0]
		for c := 0; c < c2; c++ {
			base := ((t*c2+c)*planes + z) * outN
			copy(out[base:base+outN], p.Data[c*outN:(c+1)*outN])
		}
	}
	res := []int{T, outShape[0]}
	if d.Dims == 2 {
		res = append(res, Z)
	}
	return out, append(res, outShape[1:]...), nil
}

// predictDType returns the element type a resolved prediction is written as.
func predictDType(m FCN) (infer.DType, error) {
	p := m.Predict
	if p.DType != "" {
		d, err := infer.ParseDType(strings.ToLower(p.DType))
		if err != nil || d == infer.Int32 {
			return 0, fmt.Errorf("model.predict.dtype: want float32, uint8 or uint16, got %q", p.DType)
		}
		return d, nil
	}
	if p.Output != framework.OutputLabels {
		return infer.Float32, nil
	}
	if maxLabel(m.Net) <= 255 {
		return infer.Uint8, nil
	}
	return infer.Uint16, nil
}

// maxLabel is the largest label a net's labels output holds: 1 for one channel
// (foreground), else the last class.
func maxLabel(n Net) int {
	if n == nil || n.config().OutChannels <= 1 {
		return 1
	}
	return n.config().OutChannels - 1
}

// writePrediction writes a [T, C, Z, Y, X] prediction as OME-TIFF of the given
// type; T is dropped when 1, and Z when 1 for a 2D model, so that single images
// keep CYX / CZYX.
func writePrediction(path, name string, out []float32, shape []int, dims int, dt infer.DType) error {
	order, sh := "", []int{}
	for i, ax := range "TCZYX" {
		if (ax == 'T' && shape[i] == 1) || (ax == 'Z' && dims == 2 && shape[i] == 1) {
			continue
		}
		order, sh = order+string(ax), append(sh, shape[i])
	}
	v, err := infer.Cast(out, dt)
	if err != nil {
		return err
	}
	var a *imageio.Array
	switch data := v.(type) {
	case []float32:
		a, err = imageio.ArrayOf(data, order, sh...)
	case []uint8:
		a, err = imageio.ArrayOf(data, order, sh...)
	case []uint16:
		a, err = imageio.ArrayOf(data, order, sh...)
	default:
		err = fmt.Errorf("cannot write %v", dt)
	}
	if err != nil {
		return err
	}
	return imageio.WriteOMETIFF(path, a, imageio.WriteMeta{Name: name}, imageio.WriteOptions{})
}

// Predict predicts every image of input (a file or a folder) with the model of
// a configuration and checkpoint, and writes <stem>_pred.ome.tiff files to
// outDir, each with a <stem>_pred.json sidecar naming the sliding window used
// (and, for models that map uncertainty such as ProbUnet, a float32
// <stem>_uncertainty.ome.tiff).
// It returns the written image paths.
//
// Every time point of an image is predicted (the output keeps T), and for a 2D
// model every z plane; model.predict.channels selects the input channels (all
// by default, which must be as many as the net takes). The output is written
// as model.predict.dtype (uint8 labels by default, float32 otherwise). The
// window is model.predict.window if set, else the whole image when it fits
// model.predict.max_voxels (see framework.ChooseWindow).
func Predict(c Config, checkpoint, input, outDir string) ([]string, error) {
	return PredictContext(display.Context(), c, checkpoint, input, outDir)
}

// PredictContext is Predict with an explicit context.
func PredictContext(ctx context.Context, c Config, checkpoint, input, outDir string) ([]string, error) {
	done, err := PredictFiles(ctx, c, checkpoint, input, outDir)
	paths := make([]string, len(done))
	for i, d := range done {
		paths[i] = d.Path
	}
	return paths, err
}

// PredictFiles is PredictContext that also returns, per written image, the
// sliding window it was predicted with.
func PredictFiles(ctx context.Context, c Config, checkpoint, input, outDir string) ([]Predicted, error) {
	r := c.Resolved()
	dt, err := predictDType(r.fcn())
	if err != nil {
		return nil, &ValidationError{Problems: Problems{{Message: err.Error()}}}
	}
	if ps := checkPredictDType(r.fcn(), dt); len(ps) > 0 {
		return nil, &ValidationError{Problems: ps}
	}
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
	modelIn := r.fcn().Net.config().InChannels // 0: not declared, known once loaded
	var written []Predicted
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return written, err
		}
		x, shape, _, err := imageio.ReadFloat32(f, imageio.Selection{Dims: "TCZYX"})
		if err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		chans, err := predictChannels(r.fcn().Predict, shape[1])
		if err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		if modelIn > 0 && len(chans) != modelIn {
			return written, fmt.Errorf("predict %s: %s, but the net takes %d input channel(s): select them with model.predict.channels",
				f, describeChannels(r.fcn().Predict, chans), modelIn)
		}
		stem, _ := imageio.Stem(filepath.Base(f))
		in, inShape, err := preprocessTCZYX(r.Data, stem, x, shape, chans)
		if err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		if m == nil {
			if m, b, err = loadModel(r, checkpoint, inShape[1]); err != nil {
				if on := otherNet(r, checkpoint, err); on != nil {
					return written, on
				}
				return written, fmt.Errorf("predict %s: %s do not fit the net of %s (if it takes another number of input channels, select them with model.predict.channels): %w",
					f, describeChannels(r.fcn().Predict, chans), checkpoint, err)
			}
			modelIn = inShape[1]
		}
		out, unc, err := m.PredictTCZYXUncertainty(ctx, in, inShape, infer.Volume{Dims: r.Data.Dims})
		if err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		stem = strings.TrimSuffix(stem, "_"+r.Data.Input)
		p := filepath.Join(outDir, stem+"_pred.ome.tiff")
		if err := writePrediction(p, stem, out.Data, out.Shape, r.Data.Dims, dt); err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		done := Predicted{Path: p, Input: f, Window: m.Window(framework.UnitShape(inShape, r.Data.Dims))}
		if r.fcn().Net != nil {
			done.Warning = tilingWarning(done.Window, r.fcn().Net.config().Norm)
		}
		if unc.Data != nil {
			done.Uncertainty = filepath.Join(outDir, stem+"_uncertainty.ome.tiff")
			if err := writePrediction(done.Uncertainty, stem+" uncertainty", unc.Data, unc.Shape, r.Data.Dims, infer.Float32); err != nil {
				return written, fmt.Errorf("predict %s: %w", f, err)
			}
		}
		if err := done.writeSidecar(); err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		written = append(written, done)
	}
	return written, nil
}

// Predict predicts input (a file or a folder) with the run's trained model,
// writing <stem>_pred.ome.tiff files to outDir.
func (r *Run) Predict(input, outDir string) ([]string, error) {
	return Predict(r.Config, r.Checkpoint(), input, outDir)
}
