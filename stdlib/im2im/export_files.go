package im2im

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/im2im/im2im/ml/bioimageio"
)

// packageFiles renders the package's files and fills the description's checksums.
func packageFiles(r Config, o ExportOptions, d *bioimageio.Description, model []byte, t *testTensors, net netSummary) (map[string][]byte, error) {
	in, err := npyBytes(t.raw, t.inShape)
	if err != nil {
		return nil, fmt.Errorf("export: test input: %w", err)
	}
	out, err := npyBytes(t.out, t.outShape)
	if err != nil {
		return nil, fmt.Errorf("export: test output: %w", err)
	}
	cover, err := coverPNG(t, r.Data.Dims)
	if err != nil {
		return nil, fmt.Errorf("export: cover: %w", err)
	}
	files := map[string][]byte{"model.onnx": model, "test_input.npy": in, "test_output.npy": out, "cover.png": cover,
		"im2im_config.yaml": []byte(r.YAML()), "README.md": []byte(readme(r, o, d, t, net))}
	d.Weights.ONNX.SHA256 = bioimageio.SHA256(model)
	d.Inputs[0].TestTensor.SHA256 = bioimageio.SHA256(in)
	d.Outputs[0].TestTensor.SHA256 = bioimageio.SHA256(out)
	return files, nil
}

// coverPNG draws the test input (first channel) beside the test output (last
// channel), middle z plane for 3D, each on a square of the tile's longer side
// and scaled from its 1st to its 99.8th percentile: a 2:1 grey image.
func coverPNG(t *testTensors, dims int) ([]byte, error) {
	plane := func(x []float32, shape []int, c int) ([]float32, int, int) {
		sp := shape[2:]
		vox := prodInts(sp)
		ch := x[c*vox : (c+1)*vox]
		Y, X := sp[len(sp)-2], sp[len(sp)-1]
		if dims == 3 {
			z := sp[0] / 2
			ch = ch[z*Y*X : (z+1)*Y*X]
		}
		return ch, Y, X
	}
	inP, Y, X := plane(t.raw, t.inShape, 0)
	outP, _, _ := plane(t.out, t.outShape, t.outShape[1]-1)
	side := max(Y, X)
	img := image.NewGray(image.Rect(0, 0, 2*side, side))
	for k, p := range [][]float32{inP, outP} {
		s := slices.Clone(p)
		slices.Sort(s)
		lo, hi := s[int(0.01*float64(len(s)-1))], s[int(0.998*float64(len(s)-1))]
		if hi <= lo {
			lo, hi = s[0], s[len(s)-1]
		}
		oy, ox := (side-Y)/2, k*side+(side-X)/2
		for y := range Y {
			for x := range X {
				v := 0.0
				if hi > lo {
					v = float64(p[y*X+x]-lo) / float64(hi-lo)
				}
				img.SetGray(ox+x, oy+y, color.Gray{Y: uint8(255 * min(max(v, 0), 1))})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// readme describes the package: data, net, training, metrics, how it was checked.
func readme(r Config, o ExportOptions, d *bioimageio.Description, t *testTensors, net netSummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", d.Name, d.Description)
	b.WriteString("Exported by im2im (`im2im export --out model.zip`, or `run.Export` in a notebook) from a training run.\n\n")
	b.WriteString("## Data\n\n")
	fmt.Fprintf(&b, "- training data: `%s` (%dD, input role `%s`, target role `%s`)\n", orString(r.Data.Path, r.Data.Train), r.Data.Dims, r.Data.Input, r.Data.Target)
	fmt.Fprintf(&b, "- input normalisation: `%v` (in the package: %s)\n", r.Data.Normalize, stepIDs(d.Inputs[0].Preprocessing))
	if t.unit != "" {
		fmt.Fprintf(&b, "- pixel size of the test image: %v %s (axes %s)\n", t.scale, t.unit, strings.Join(spaceIDs(r.Data.Dims), ", "))
	}
	b.WriteString("\n## Network\n\n")
	fmt.Fprintf(&b, "- %s, %dD, features %v, kernel %d, norm %s, activation %s, %d output channel(s)\n", net.kind, net.dims, net.features, net.kernel, net.norm, orString(net.act, "prelu"), net.outChannels)
	fmt.Fprintf(&b, "- input sizes: %s; halo (cropped by tiling consumers) %v\n", sizesText(t), t.halo)
	fmt.Fprintf(&b, "- weights: ONNX (IR 8, opset 17) written by im2im; output postprocessing: %s\n", stepIDs(d.Outputs[0].Postprocessing))
	if r.Model.Framework() == "embedseg" {
		fmt.Fprintf(&b, "- %s\n", embedSegNote(net.dims))
	}
	b.WriteString("\n## Training\n\n")
	tr := r.Trainer
	loss := "(none)"
	if l := r.fcn().Loss; l != nil {
		loss = l.Kind()
	}
	fmt.Fprintf(&b, "- %d epochs, batch size %d, learning rate %g, seed %d, loss %s\n", tr.Epochs, tr.BatchSize, tr.LR, tr.Seed, loss)
	if o.RunDir != "" {
		if m, err := os.ReadFile(filepath.Join(o.RunDir, "metrics.csv")); err == nil {
			lines := strings.Split(strings.TrimSpace(string(m)), "\n")
			fmt.Fprintf(&b, "- metrics of the last epoch (metrics.csv):\n\n```\n%s\n%s\n```\n", lines[0], lines[len(lines)-1])
		}
	}
	b.WriteString("\nThe full configuration is `im2im_config.yaml`: `im2im train -c im2im_config.yaml` repeats the training.\n")
	b.WriteString("\n## Validation\n\n")
	fmt.Fprintf(&b, "`test_input.npy` (%v, raw intensities cut from `%s`) and `test_output.npy` (%v) were computed by im2im: the "+
		"package's preprocessing (which matches the run's normalisation to %.2g on this tile), the net, the package's postprocessing. "+
		"`im2im predict --model model.zip --input IMAGE --output DIR` runs the package; any bioimage.io consumer with ONNX "+
		"support should reproduce the test output.\n", t.inShape, filepath.Base(t.source), t.outShape, t.preprocessedDiff)
	return b.String()
}

func stepIDs(steps []bioimageio.Processing) string {
	if len(steps) == 0 {
		return "none"
	}
	var ids []string
	for _, s := range steps {
		ids = append(ids, s.ID)
	}
	return strings.Join(ids, ", ")
}

func sizesText(t *testTensors) string {
	var parts []string
	for a := range t.min {
		parts = append(parts, fmt.Sprintf("%d + n·%d", t.min[a], t.step[a]))
	}
	return strings.Join(parts, " × ")
}
