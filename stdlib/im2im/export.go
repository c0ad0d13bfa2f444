package im2im

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/ml/bioimageio"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/onnx"
	"github.com/im2im/im2im/ml/train"
)

// ExportOptions tunes a bioimage.io package export; zero values mean the
// defaults in brackets.
type ExportOptions struct {
	// Name of the model (5–128 letters, digits, spaces, _+-()). [im2im <net> <dims>D <run>]
	Name string
	// Description is one paragraph. [what the net maps, trained by im2im]
	Description string
	// Authors' names. [a placeholder to edit in rdf.yaml; a note says so]
	Authors []string
	// License is an SPDX id. [CC-BY-4.0, with a note]
	License string
	// Input is the image the test tensors and cover are cut from. [the first
	// validation image of the run's data, else the first image]
	Input string
	// RunDir is the training run described in README.md (metrics.csv). [none]
	RunDir string
}

// Exported is a written package.
type Exported struct {
	// Path of the .zip; Files it holds besides rdf.yaml.
	Path  string
	Files []string
	// Desc is the description written as rdf.yaml.
	Desc *bioimageio.Description
	// Notes are what the user should know or edit (placeholders, settings a
	// package cannot express).
	Notes []string
	// TestShape is the test input's shape [1, C, spatial...].
	TestShape []int
}

// String lists the package, its test input and the notes.
func (e *Exported) String() string {
	s := fmt.Sprintf("bioimage.io package %s (format %s): %s, test input %v, files %s",
		e.Path, e.Desc.FormatVersion, e.Desc.Name, e.TestShape, strings.Join(e.Files, " "))
	for _, n := range e.Notes {
		s += "\nnote: " + n
	}
	return s
}

// exportNet returns the net a resolved config exports, seen as an FCN (its
// net and prediction settings), and the scope of its variables in the
// checkpoint: an FCN's net, pix2pix's generator, CycleGAN's generator of the
// predicted direction. Other frameworks are an error naming why.
func exportNet(r Config) (FCN, string, error) {
	switch m := r.Model.(type) {
	case FCN:
		return m, "", nil
	case *FCN:
		return *m, "", nil
	case Pix2Pix:
		return m.fcnView(), framework.GeneratorScope, nil
	case CycleGAN:
		if m.Direction == framework.BtoA {
			return m.fcnView(), framework.GeneratorBAScope, nil
		}
		return m.fcnView(), framework.GeneratorABScope, nil
	case EmbedSeg:
		v := m.fcnView()
		v.Predict.Output = framework.OutputRaw // clustering is not part of the model
		return v, "", nil
	case ProbUnet:
		return FCN{}, "", errors.New("export: model.framework probunet has no ONNX export: its prediction runs the prior net, " +
			"broadcasts the latent mean over the image and averages latent samples through the combiner, which the exporter does not write")
	}
	f := "(none)"
	if r.Model != nil {
		f = r.Model.Framework()
		if n := r.fcn().Net; n != nil {
			f += " (net " + n.Kind() + ")"
		}
	}
	return FCN{}, "", fmt.Errorf("export: model.framework %s has no ONNX export (fcn, pix2pix, cyclegan, embedseg)", f)
}

// ExportONNX writes the net of a config (an FCN's net, a GAN's predicting
// generator) with a checkpoint's weights as an ONNX model (see
// ml/onnx.Export), returning the net's kind too.
func ExportONNX(c Config, checkpoint string) ([]byte, onnx.Info, string, error) {
	m, scope, err := exportNet(c.Resolved())
	if err != nil {
		return nil, onnx.Info{}, "", err
	}
	switch m.Net.(type) {
	case UNet, AttentionUNet, DynUNet, ResNetGenerator, BranchedERFNet:
	case nil:
		return nil, onnx.Info{}, "", fmt.Errorf("export: the config has no model.%s", c.Model.netKey())
	default:
		return nil, onnx.Info{}, "", fmt.Errorf("export: model.%s %s has no ONNX export (unet, attention_unet, dyn_unet, resnet, branched_erfnet)", c.Model.netKey(), m.Net.Kind())
	}
	ckpt, err := train.ReadCheckpoint(checkpoint)
	if err != nil {
		return nil, onnx.Info{}, "", err
	}
	b, info, err := onnx.Export(m.Net.build(), ckpt, onnx.Options{Scope: scope, Doc: fmt.Sprintf("im2im %s from %s", m.Net.Kind(), checkpoint)})
	if err != nil {
		return nil, onnx.Info{}, "", fmt.Errorf("export: %s: %w", checkpoint, err)
	}
	return b, info, m.Net.Kind(), nil
}

// Export writes the run's trained model as a bioimage.io package (a .zip)
// with default options; see ExportPackage.
func (r *Run) Export(path string) (*Exported, error) {
	return ExportPackage(context.Background(), r.Config, r.Checkpoint(), path, ExportOptions{RunDir: r.Dir})
}

// ExportPackage writes an FCN model (config and checkpoint) as a bioimage.io
// model package (format 0.5, a .zip): rdf.yaml, ONNX weights (opset 17),
// test input and output (.npy, computed by im2im: the declared preprocessing,
// the net, the declared postprocessing), a cover (input beside output),
// README.md (data, net, training, metrics), and the resolved config
// (im2im_config.yaml). The input's preprocessing is the run's normalisation
// in bioimage.io terms, checked against the run's own on the test input; the
// output's postprocessing is the run's prediction output (see
// postprocessing). Space axes carry the test image's pixel size when known,
// input sizes are min + n·step with step the net's down-sampling factor, and
// outputs a halo (the net's receptive-field radius). The package is validated
// (bioimageio.Validate) before it is written.
func ExportPackage(ctx context.Context, c Config, checkpoint, path string, o ExportOptions) (*Exported, error) {
	r := c.Resolved()
	m, _, err := exportNet(r)
	if err != nil {
		return nil, err
	}
	model, info, kind, err := ExportONNX(r, checkpoint)
	if err != nil {
		return nil, err
	}
	pre, err := preprocessing(r.Data)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	post, notes := postprocessing(m.Predict, info.OutChannels)
	if r.Model.Framework() == "embedseg" {
		notes = append(notes, embedSegNote(info.Dims))
	}
	if _, ok := m.Net.(BranchedERFNet); ok {
		notes = append(notes, fmt.Sprintf("branched_erfnet's receptive field (radius ≈ %d voxels, through its dilated 1/8-scale blocks) exceeds any practical tile: "+
			"the package's halo is %d; predict whole images where memory allows", erfnetRadius(), erfnetHalo))
	}
	input, err := exportInput(r, o.Input)
	if err != nil {
		return nil, err
	}
	net := summarize(m.Net)
	test, err := cutTestInput(r, input, info, haloOf(net))
	if err != nil {
		return nil, err
	}
	if err := test.compute(ctx, r, checkpoint, pre, post); err != nil {
		return nil, err
	}
	e := &Exported{Path: path, TestShape: test.inShape, Notes: notes}
	d := describe(r, o, kind, info, net, test, pre, post, &e.Notes)
	files, err := packageFiles(r, o, d, model, test, net)
	if err != nil {
		return nil, err
	}
	if err := bioimageio.WritePackage(path, &bioimageio.Package{Desc: d, Files: files}); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	for name := range files {
		e.Files = append(e.Files, name)
	}
	sort.Strings(e.Files)
	e.Desc = d
	return e, nil
}

// exportInput returns the image the test tensors are cut from.
func exportInput(r Config, given string) (string, error) {
	if given != "" {
		return given, nil
	}
	d := r.Data
	ds, err := dataset.Discover(dataset.Spec{Path: d.Path, Train: d.Train, Val: d.Val, Category: dataset.Category(d.Category),
		Dims: d.Dims, ValRatio: d.ValRatio, Seed: uint64(r.Trainer.Seed)})
	if err != nil || ds == nil || len(ds.All()) == 0 {
		return "", fmt.Errorf("export: no image for the test tensors in the run's data (%s): give one (ExportOptions.Input, --input FILE): %v", orString(d.Path, d.Val), err)
	}
	subjects := append(ds.Val, ds.Train...)
	f := subjects[0].Files[d.Input]
	if f == "" {
		return "", fmt.Errorf("export: subject %s has no %s image", subjects[0].ID, d.Input)
	}
	return f, nil
}

var nameChars = regexp.MustCompile(`[^A-Za-z0-9_+\- ()]+`)

// describe builds the description (everything but the file checksums, which
// packageFiles fills).
func describe(r Config, o ExportOptions, kind string, info onnx.Info, net netSummary, t *testTensors,
	pre, post []bioimageio.Processing, notes *[]string) *bioimageio.Description {
	ids := spaceIDs(info.Dims)
	name := o.Name
	if name == "" {
		name = fmt.Sprintf("im2im %s %dD", kind, info.Dims)
		if o.RunDir != "" {
			name += " " + filepath.Base(o.RunDir)
		}
	}
	name = strings.TrimSpace(nameChars.ReplaceAllString(name, "-"))
	if len(name) > 128 {
		name = name[:128]
	}
	for len(name) < 5 {
		name += "_"
	}
	task := "image-to-image"
	if len(post) > 0 {
		task = "segmentation"
	}
	desc := o.Description
	if r.Model.Framework() == "embedseg" {
		task = "instance-segmentation"
		if desc == "" {
			desc = fmt.Sprintf("A %dD %s trained with im2im (EmbedSeg) for instance segmentation: %d input channel(s) to %d raw output channels. %s",
				info.Dims, kind, info.InChannels, info.OutChannels, embedSegNote(info.Dims))
		}
	}
	if desc == "" {
		desc = fmt.Sprintf("A %dD %s (%s) trained with im2im for %s: %d input channel(s) to %d output channel(s).",
			info.Dims, kind, strings.Join(intStrings(net.features), "-"), task, info.InChannels, info.OutChannels)
	}
	authors := []bioimageio.Author{}
	for _, a := range o.Authors {
		authors = append(authors, bioimageio.Author{Name: a})
	}
	if len(authors) == 0 {
		authors = []bioimageio.Author{{Name: "im2im user (edit authors in rdf.yaml)"}}
		*notes = append(*notes, "authors is a placeholder: edit authors in rdf.yaml before sharing (or pass --authors)")
	}
	license := o.License
	if license == "" {
		license = "CC-BY-4.0"
		*notes = append(*notes, "license is CC-BY-4.0 by default: change it in rdf.yaml if the model's terms differ")
	}
	in := bioimageio.Tensor{ID: "input", Description: "raw intensities (the package normalises them)",
		Axes:       []bioimageio.Axis{{Type: "batch"}, {Type: "channel", ChannelNames: channelNames("channel", info.InChannels)}},
		TestTensor: &bioimageio.File{Source: "test_input.npy"}, Data: &bioimageio.Data{Type: "float32"}, Preprocessing: pre}
	out := bioimageio.Tensor{ID: "output", Description: outputDescription(post),
		Axes:       []bioimageio.Axis{{Type: "batch"}, {Type: "channel", ChannelNames: channelNames("class", info.OutChannels)}},
		TestTensor: &bioimageio.File{Source: "test_output.npy"}, Data: &bioimageio.Data{Type: "float32"}, Postprocessing: post}
	if len(post) == 0 {
		out.Axes[1].ChannelNames = channelNames("channel", info.OutChannels)
	}
	for a, id := range ids {
		ax := bioimageio.Axis{Type: "space", ID: id, Size: &bioimageio.Size{Min: t.min[a], Step: t.step[a]}, Scale: t.scale[a], Unit: t.unit}
		in.Axes = append(in.Axes, ax)
		ax.Size = &bioimageio.Size{TensorID: "input", AxisID: id}
		ax.Halo = t.halo[a]
		out.Axes = append(out.Axes, ax)
	}
	if t.scale[0] == 0 {
		*notes = append(*notes, "the test image has no pixel size in a known unit: the axes carry no physical scale")
	}
	return &bioimageio.Description{
		FormatVersion: bioimageio.FormatVersion, Type: "model", Name: name, Description: desc, Authors: authors,
		Cite:    cites(r, kind),
		License: license, Documentation: "README.md", Covers: []string{"cover.png"},
		Tags:      []string{"im2im", kind, fmt.Sprintf("%dd", info.Dims), task, "onnx"},
		Timestamp: time.Now().UTC().Format(time.RFC3339), Version: "0.1.0",
		Inputs: []bioimageio.Tensor{in}, Outputs: []bioimageio.Tensor{out},
		Weights: bioimageio.Weights{ONNX: &bioimageio.ONNXWeights{Source: "model.onnx", OpsetVersion: onnx.Opset}},
		Config: map[string]any{"im2im": map[string]any{"config": "im2im_config.yaml", "net": kind, "dims": info.Dims,
			"prediction_output": orString(r.fcn().Predict.Output, "raw")}},
	}
}

// embedSegNote says what an EmbedSeg package outputs and what it leaves out.
func embedSegNote(dims int) string {
	axes := "x, y"
	if dims == 3 {
		axes = "x, y, z"
	}
	return fmt.Sprintf("Clustering into instances is not part of the model: it outputs the raw %d channels (offsets %s, sigmas %s, seed logit; "+
		"EmbedSeg's loss applies tanh, exp and sigmoid to them), and im2im predict --run clusters them (model.clustering).", 2*dims+1, axes, axes)
}

// cites are the package's references: mmv_im2im, the net's paper and a GAN
// framework's.
func cites(r Config, kind string) []bioimageio.Cite {
	c := []bioimageio.Cite{{Text: "Sonneck, Zhou, Chen: MMV_Im2Im, an open-source microscopy machine vision toolbox for image-to-image transformation (GigaScience, 2024); im2im re-creates it in Go", DOI: "10.1093/gigascience/giad120"}}
	switch kind {
	case "branched_erfnet":
		c = append(c, bioimageio.Cite{Text: "Neven, De Brabandere, Proesmans, Van Gool: Instance segmentation by jointly optimizing spatial embeddings and clustering bandwidth (CVPR, 2019)", DOI: "10.1109/CVPR.2019.00904"})
	case "resnet":
		c = append(c, bioimageio.Cite{Text: "Johnson, Alahi, Fei-Fei: Perceptual losses for real-time style transfer and super-resolution (ECCV, 2016)", DOI: "10.1007/978-3-319-46475-6_43"})
	default:
		c = append(c, bioimageio.Cite{Text: "Ronneberger, Fischer, Brox: U-Net, convolutional networks for biomedical image segmentation (MICCAI, 2015)", DOI: "10.1007/978-3-319-24574-4_28"})
	}
	switch r.Model.Framework() {
	case "embedseg":
		c = append(c, bioimageio.Cite{Text: "Lalit, Tomancak, Jug: EmbedSeg, embedding-based instance segmentation for biomedical microscopy data (Medical Image Analysis, 2022)", DOI: "10.1016/j.media.2022.102523"})
	case "pix2pix":
		c = append(c, bioimageio.Cite{Text: "Isola, Zhu, Zhou, Efros: Image-to-image translation with conditional adversarial networks (CVPR, 2017)", DOI: "10.1109/CVPR.2017.632"})
	case "cyclegan":
		c = append(c, bioimageio.Cite{Text: "Zhu, Park, Isola, Efros: Unpaired image-to-image translation using cycle-consistent adversarial networks (ICCV, 2017)", DOI: "10.1109/ICCV.2017.244"})
	}
	return c
}

func outputDescription(post []bioimageio.Processing) string {
	if len(post) == 0 {
		return "the net's output"
	}
	ids := make([]string, len(post))
	for i, p := range post {
		ids[i] = p.ID
	}
	return "the net's output after " + strings.Join(ids, ", ")
}

func channelNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func intStrings(v []int) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = fmt.Sprint(x)
	}
	return out
}

// pixelSize returns the physical size per spatial axis (ZYX or YX) of an
// image file and the spec's unit; zeros when unknown.
func pixelSize(path string, dims int) ([]float64, string) {
	img, err := imageio.Open(path)
	if err != nil {
		return make([]float64, dims), ""
	}
	defer img.Close()
	ps := img.Meta().PhysicalSize
	unit := physicalUnit(ps.XUnit)
	sizes := []float64{ps.Y, ps.X}
	if dims == 3 {
		sizes = []float64{ps.Z, ps.Y, ps.X}
	}
	for _, s := range sizes {
		if s <= 0 || unit == "" {
			return make([]float64, dims), ""
		}
	}
	return sizes, unit
}
