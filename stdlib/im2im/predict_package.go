package im2im

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/ml/bioimageio"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/onnx"
)

// zooModel is a bioimage.io package ready to run: its description, its
// ONNX graph, and the layout of its one input and output.
type zooModel struct {
	desc      *bioimageio.Description
	graph     *onnx.Model
	in, out   bioimageio.Tensor
	dims      int   // spatial axes (2 or 3)
	channels  int   // input channels
	min, step []int // input size rule per spatial axis
	halo      []int // output halo per spatial axis
}

// openZooModel reads and validates a package and checks that im2im can run
// it: ONNX weights of the ops ml/onnx interprets, one input and one output
// with axes batch, channel and 2 or 3 space axes in that order.
func openZooModel(path string) (*zooModel, error) {
	p, err := bioimageio.ReadPackage(path)
	if err != nil {
		return nil, err
	}
	if err := bioimageio.Validate(p); err != nil {
		return nil, fmt.Errorf("%s is not a valid bioimage.io package:\n%w", path, err)
	}
	d := p.Desc
	if d.Weights.ONNX == nil {
		var formats []string
		for f := range d.Weights.Other {
			formats = append(formats, f)
		}
		slices.Sort(formats)
		return nil, fmt.Errorf("%s has no ONNX weights (it has %v): im2im runs ONNX weights only", path, formats)
	}
	if len(d.Inputs) != 1 || len(d.Outputs) != 1 {
		return nil, fmt.Errorf("%s has %d inputs and %d outputs; im2im runs packages of one input and one output", path, len(d.Inputs), len(d.Outputs))
	}
	g, err := onnx.ReadModel(p.Files[d.Weights.ONNX.Source])
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", path, d.Weights.ONNX.Source, err)
	}
	if err := g.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	z := &zooModel{desc: d, graph: g, in: d.Inputs[0], out: d.Outputs[0]}
	for _, t := range []bioimageio.Tensor{z.in, z.out} {
		if err := checkLayout(t); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	z.dims = len(z.in.Axes) - 2
	if len(z.out.Axes)-2 != z.dims {
		return nil, fmt.Errorf("%s: input %s has %d space axes, output %s %d", path, z.in.ID, z.dims, z.out.ID, len(z.out.Axes)-2)
	}
	z.channels = len(z.in.Axes[1].ChannelNames)
	for a := range z.dims {
		s := z.in.Axes[2+a].Size
		switch {
		case s.Fixed > 0:
			z.min, z.step = append(z.min, s.Fixed), append(z.step, 0)
		case s.TensorID == "":
			z.min, z.step = append(z.min, s.Min), append(z.step, s.Step)
		default:
			return nil, fmt.Errorf("%s: input axis %s takes its size from another tensor; im2im needs fixed or min + n·step sizes", path, z.in.Axes[2+a].AxisID())
		}
		o := z.out.Axes[2+a]
		if o.Size == nil || o.Size.TensorID != z.in.ID || o.Size.AxisID != z.in.Axes[2+a].AxisID() || o.Size.Offset != 0 {
			return nil, fmt.Errorf("%s: output axis %s must have the size of input axis %s (im2im runs image-to-image models)", path, o.AxisID(), z.in.Axes[2+a].AxisID())
		}
		z.halo = append(z.halo, o.Halo)
	}
	return z, nil
}

// checkLayout wants axes batch, channel, then 2 or 3 space axes.
func checkLayout(t bioimageio.Tensor) error {
	var types []string
	for _, a := range t.Axes {
		types = append(types, a.Type)
	}
	n := len(types)
	if n < 4 || n > 5 || types[0] != "batch" || types[1] != "channel" || slices.ContainsFunc(types[2:], func(s string) bool { return s != "space" }) {
		return fmt.Errorf("tensor %s has axes %v; im2im runs batch, channel, then 2 or 3 space axes", t.ID, types)
	}
	return nil
}

// window chooses the tile of a unit of the given spatial sizes: the whole
// unit when it fits the budget (as im2im predict does), on the package's
// size rule, overlapping by at least twice the halo.
func (z *zooModel) window(spatial []int) (framework.WindowChoice, float64) {
	div := make([]int, z.dims)
	for a := range div {
		div[a] = max(z.step[a], 1)
	}
	w := framework.ChooseWindow(spatial, nil, div, framework.DefaultMaxVoxels, 1, 0.25)
	overlap := 0.25
	for a := range w.Window {
		if z.step[a] == 0 {
			w.Window[a] = z.min[a]
		} else if w.Window[a] < z.min[a] {
			w.Window[a] = z.min[a]
		} else {
			w.Window[a] -= (w.Window[a] - z.min[a]) % z.step[a]
		}
		overlap = max(overlap, min(0.5, float64(2*z.halo[a])/float64(w.Window[a])))
	}
	return w, overlap
}

// predictor runs the ONNX graph on one batch of windows.
func (z *zooModel) predictor() infer.Predictor {
	return func(ctx context.Context, in []float32, shape []int) ([]float32, []int, error) {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		out, err := z.graph.Run(&onnx.Tensor{Shape: slices.Clone(shape), Float: in})
		if err != nil {
			return nil, nil, err
		}
		return out.Float, out.Shape, nil
	}
}

// PredictPackage predicts every image of input (a file or a folder, as
// Predict reads it) with a bioimage.io model package (a .zip or a folder)
// that has ONNX weights, as bioimage.io consumers run it: the package's
// preprocessing on each image (each time point, each z plane of a 2D model),
// the ONNX graph in tiles (the whole image when it fits the budget, else
// windows on the package's size rule overlapping by twice its halo), the
// package's postprocessing. It writes <stem>_pred.ome.tiff files (uint8 after
// binarize, float32 otherwise) with a <stem>_pred.json sidecar to outDir.
// The graph runs in ml/onnx's Go interpreter; an operator it lacks is an
// error naming it.
func PredictPackage(ctx context.Context, pkg, input, outDir string) ([]Predicted, error) {
	z, err := openZooModel(pkg)
	if err != nil {
		return nil, err
	}
	files, err := predictInputs(input, "IM")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	dt := infer.Float32
	if slices.ContainsFunc(z.out.Postprocessing, func(p bioimageio.Processing) bool { return p.ID == "binarize" }) {
		dt = infer.Uint8
	}
	var written []Predicted
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return written, err
		}
		x, shape, _, err := imageio.ReadFloat32(f, imageio.Selection{Dims: "TCZYX"})
		if err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		if shape[1] != z.channels {
			return written, fmt.Errorf("predict %s: the image has %d channel(s), the package's input %s takes %d (%v)",
				f, shape[1], z.in.ID, z.channels, z.in.Axes[1].ChannelNames)
		}
		out, outShape, win, err := z.predictTCZYX(ctx, x, shape)
		if err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		stem, _ := imageio.Stem(filepath.Base(f))
		stem = strings.TrimSuffix(stem, "_IM")
		p := filepath.Join(outDir, stem+"_pred.ome.tiff")
		if err := writePrediction(p, stem, out, outShape, z.dims, dt); err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		done := Predicted{Path: p, Input: f, Window: win}
		if err := done.writeSidecar(); err != nil {
			return written, fmt.Errorf("predict %s: %w", f, err)
		}
		written = append(written, done)
	}
	return written, nil
}

// predictTCZYX runs the package on every unit of a TCZYX image: a time point
// (3D) or a (time point, z) plane (2D).
func (z *zooModel) predictTCZYX(ctx context.Context, x []float32, shape []int) ([]float32, []int, framework.WindowChoice, error) {
	T, C, Z, Y, X := shape[0], shape[1], shape[2], shape[3], shape[4]
	units, planes := T, 1
	spatial := []int{Z, Y, X}
	if z.dims == 2 {
		units, planes, spatial = T*Z, Z, []int{Y, X}
	}
	unitN := prodInts(spatial)
	win, overlap := z.window(spatial)
	inAxes, outAxes := axisIDs(z.in), axisIDs(z.out)
	var out []float32
	outC := 0
	for u := range units {
		t, zi := u/planes, u%planes
		unit := make([]float32, C*unitN)
		for c := range C {
			base := (t*C+c)*Z*Y*X + zi*unitN
			copy(unit[c*unitN:(c+1)*unitN], x[base:base+unitN])
		}
		a := &bioimageio.Array{Axes: inAxes, Shape: append([]int{1, C}, spatial...), Data: unit}
		if err := bioimageio.Apply(z.in.Preprocessing, a); err != nil {
			return nil, nil, win, err
		}
		res, resShape, err := infer.Predict(ctx, a.Data, a.Shape[1:], z.predictor(),
			infer.Options{Window: win.Window, Overlap: overlap, BatchSize: 1})
		if err != nil {
			return nil, nil, win, err
		}
		o := &bioimageio.Array{Axes: outAxes, Shape: append([]int{1}, resShape...), Data: res}
		if err := bioimageio.Apply(z.out.Postprocessing, o); err != nil {
			return nil, nil, win, err
		}
		if out == nil {
			outC = resShape[0]
			out = make([]float32, T*outC*Z*Y*X)
		}
		for c := range outC {
			base := (t*outC+c)*Z*Y*X + zi*unitN
			copy(out[base:base+unitN], o.Data[c*unitN:(c+1)*unitN])
		}
	}
	return out, []int{T, outC, Z, Y, X}, win, nil
}

func axisIDs(t bioimageio.Tensor) []string {
	ids := make([]string, len(t.Axes))
	for i, a := range t.Axes {
		ids[i] = a.AxisID()
	}
	return ids
}
