package bioimageio

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/im2im/im2im/data/imageio"
)

// Spec rules checked by Validate (format 0.5).
var (
	nameRe       = regexp.MustCompile(`^[A-Za-z0-9_+\- ()]{5,128}$`)
	idRe         = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	identifierRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	spdxRe       = regexp.MustCompile(`^[A-Za-z0-9.+\-]+$`)
	sha256Re     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	axisTypes    = []string{"batch", "channel", "index", "time", "space"}
	coverExts    = []string{".png", ".jpg", ".jpeg", ".gif", ".svg", ".tif", ".tiff"}
)

// maxCoverBytes is the spec's limit on a cover image.
const maxCoverBytes = 500 << 10

// Problem is one broken rule: the field (a dotted path such as
// inputs.0.axes.2.size) and what is wrong.
type Problem struct{ Field, Message string }

func (p Problem) Error() string { return p.Field + ": " + p.Message }

// Validate checks a package against the spec's rules: required fields
// (format_version 0.5.x, type model, name, inputs, outputs, weights), tensor
// and axis ids (unique, lower-case identifiers), axis sizes and halos,
// processing step ids and axes, license and citations, and that every file
// the description references is in the package with a matching sha256; test
// tensors must be .npy files whose shapes fit their axes (parameterized sizes,
// references to other tensors' axes). It returns all problems joined, each a
// Problem naming its field.
func Validate(p *Package) error {
	v := &validator{p: p, d: p.Desc, shapes: map[string][]int{}}
	if v.d == nil {
		return Problem{"rdf.yaml", "no description"}
	}
	v.top()
	v.tensors()
	v.weights()
	v.sizes()
	return errors.Join(v.errs...)
}

type validator struct {
	p      *Package
	d      *Description
	errs   []error
	shapes map[string][]int // test tensor shapes by tensor id
}

func (v *validator) bad(field, format string, args ...any) {
	v.errs = append(v.errs, Problem{field, fmt.Sprintf(format, args...)})
}

// file checks that name is in the package (and its sha256 when given) and returns it.
func (v *validator) file(field, name, sum string) []byte {
	if name == "" {
		v.bad(field, "no file named")
		return nil
	}
	if strings.Contains(name, "://") {
		v.bad(field, "%s is a URL; im2im packages hold their files", name)
		return nil
	}
	b, ok := v.p.Files[path.Clean(name)]
	if !ok {
		v.bad(field, "%s is not in the package", name)
		return nil
	}
	if sum != "" {
		if !sha256Re.MatchString(sum) {
			v.bad(field+".sha256", "%q is not a hex SHA-256", sum)
		} else if got := SHA256(b); got != sum {
			v.bad(field+".sha256", "%s has SHA-256 %s, the description says %s", name, got, sum)
		}
	}
	return b
}

func (v *validator) top() {
	d := v.d
	if !strings.HasPrefix(d.FormatVersion, "0.5.") {
		v.bad("format_version", "%q, want 0.5.x", d.FormatVersion)
	}
	if d.Type != "model" {
		v.bad("type", "%q, want model", d.Type)
	}
	if !nameRe.MatchString(d.Name) {
		v.bad("name", "%q: want 5 to 128 letters, digits, spaces or _+-()", d.Name)
	}
	for i, a := range d.Authors {
		if strings.TrimSpace(a.Name) == "" {
			v.bad(fmt.Sprintf("authors.%d.name", i), "empty")
		}
	}
	for i, c := range d.Cite {
		if c.Text == "" {
			v.bad(fmt.Sprintf("cite.%d.text", i), "empty")
		}
		if c.DOI == "" && c.URL == "" {
			v.bad(fmt.Sprintf("cite.%d", i), "needs a doi or a url")
		}
	}
	if d.License != "" && !spdxRe.MatchString(d.License) {
		v.bad("license", "%q is not an SPDX license id", d.License)
	}
	if d.Documentation != "" {
		if !strings.HasSuffix(strings.ToLower(d.Documentation), ".md") {
			v.bad("documentation", "%s: want a .md file", d.Documentation)
		}
		v.file("documentation", d.Documentation, "")
	}
	for i, c := range d.Covers {
		f := fmt.Sprintf("covers.%d", i)
		if !slices.Contains(coverExts, strings.ToLower(path.Ext(c))) {
			v.bad(f, "%s: want one of %v", c, coverExts)
		}
		if b := v.file(f, c, ""); len(b) > maxCoverBytes {
			v.bad(f, "%s has %d bytes, covers must stay under %d", c, len(b), maxCoverBytes)
		}
	}
	if d.Timestamp != "" {
		if _, err := time.Parse(time.RFC3339, d.Timestamp); err != nil {
			v.bad("timestamp", "%q is not an ISO 8601 date-time", d.Timestamp)
		}
	}
}

func (v *validator) tensors() {
	if len(v.d.Inputs) == 0 {
		v.bad("inputs", "at least one input is required")
	}
	if len(v.d.Outputs) == 0 {
		v.bad("outputs", "at least one output is required")
	}
	seen := map[string]string{}
	for _, group := range []struct {
		name string
		ts   []Tensor
	}{{"inputs", v.d.Inputs}, {"outputs", v.d.Outputs}} {
		for i, t := range group.ts {
			f := fmt.Sprintf("%s.%d", group.name, i)
			if !idRe.MatchString(t.ID) || len(t.ID) > 32 {
				v.bad(f+".id", "%q: want a lower-case identifier of at most 32 characters", t.ID)
			}
			if prev, ok := seen[t.ID]; ok {
				v.bad(f+".id", "%q is also the id of %s", t.ID, prev)
			}
			seen[t.ID] = f
			v.axes(f, t, group.name == "outputs")
			steps, ids := t.Preprocessing, PreprocessingIDs
			kind := "preprocessing"
			if group.name == "outputs" {
				steps, ids, kind = t.Postprocessing, PostprocessingIDs, "postprocessing"
				if len(t.Preprocessing) > 0 {
					v.bad(f+".preprocessing", "outputs have postprocessing, not preprocessing")
				}
			} else if len(t.Postprocessing) > 0 {
				v.bad(f+".postprocessing", "inputs have preprocessing, not postprocessing")
			}
			v.steps(f+"."+kind, steps, ids, t)
			if t.TestTensor != nil {
				b := v.file(f+".test_tensor", t.TestTensor.Source, t.TestTensor.SHA256)
				if b != nil {
					a, err := imageio.DecodeNPY(bytes.NewReader(b), int64(len(b)))
					if err != nil {
						v.bad(f+".test_tensor", "%s: %v", t.TestTensor.Source, err)
					} else if len(a.Shape) != len(t.Axes) {
						v.bad(f+".test_tensor", "%s has shape %v, the tensor has %d axes", t.TestTensor.Source, a.Shape, len(t.Axes))
					} else {
						v.shapes[t.ID] = a.Shape
					}
				}
			}
		}
	}
}

func (v *validator) axes(f string, t Tensor, output bool) {
	if len(t.Axes) == 0 {
		v.bad(f+".axes", "at least one axis is required")
	}
	ids := map[string]bool{}
	for j, a := range t.Axes {
		af := fmt.Sprintf("%s.axes.%d", f, j)
		if !slices.Contains(axisTypes, a.Type) {
			v.bad(af+".type", "%q, want one of %v", a.Type, axisTypes)
			continue
		}
		id := a.AxisID()
		if ids[id] {
			v.bad(af+".id", "%q is used by another axis of %s", id, t.ID)
		}
		ids[id] = true
		if a.Type == "batch" && id != "batch" {
			v.bad(af+".id", "the batch axis's id must be batch")
		}
		if a.Type == "channel" {
			if len(a.ChannelNames) == 0 {
				v.bad(af+".channel_names", "a channel axis names its channels")
			}
			for _, n := range a.ChannelNames {
				if !identifierRe.MatchString(n) {
					v.bad(af+".channel_names", "%q is not an identifier", n)
				}
			}
		}
		if a.Type == "space" || a.Type == "time" || a.Type == "index" {
			if a.Size == nil {
				v.bad(af+".size", "a %s axis needs a size", a.Type)
			} else if s := a.Size; s.TensorID == "" && s.Fixed <= 0 && (s.Min <= 0 || s.Step < 0) {
				v.bad(af+".size", "want a positive size, min > 0 with step ≥ 0, or a reference")
			}
		}
		if a.Scale < 0 {
			v.bad(af+".scale", "%v must be positive", a.Scale)
		}
		if a.Halo != 0 {
			switch {
			case !output:
				v.bad(af+".halo", "only output axes have a halo")
			case a.Halo < 0:
				v.bad(af+".halo", "%d must be positive", a.Halo)
			case a.Size == nil || a.Size.TensorID == "":
				v.bad(af+".halo", "an axis with a halo must take its size from another tensor's axis (size: {tensor_id, axis_id})")
			}
		}
	}
}

func (v *validator) steps(f string, steps []Processing, ids []string, t Tensor) {
	axisIDs := map[string]bool{}
	for _, a := range t.Axes {
		axisIDs[a.AxisID()] = true
	}
	for i, s := range steps {
		sf := fmt.Sprintf("%s.%d", f, i)
		if !slices.Contains(ids, s.ID) {
			v.bad(sf+".id", "%q, want one of %v", s.ID, ids)
			continue
		}
		k := kwargs(s.Kwargs)
		axes, _ := k.strs("axes")
		if ax := k.str("axis", ""); ax != "" {
			axes = append(axes, ax)
		}
		for _, ax := range axes {
			if !axisIDs[ax] {
				v.bad(sf+".kwargs", "axis %q is not an axis of %s", ax, t.ID)
			}
		}
		switch s.ID {
		case "scale_range":
			lo, hi := k.float("min_percentile", 0), k.float("max_percentile", 100)
			if lo < 0 || hi > 100 || lo >= hi {
				v.bad(sf+".kwargs", "want 0 ≤ min_percentile < max_percentile ≤ 100, got %v and %v", lo, hi)
			}
		case "binarize":
			if len(k.floats("threshold")) == 0 {
				v.bad(sf+".kwargs", "binarize needs a threshold")
			}
		case "zero_mean_unit_variance", "fixed_zero_mean_unit_variance":
			if eps := k.float("eps", 1e-6); eps <= 0 || eps > 0.1 {
				v.bad(sf+".kwargs", "eps %v: want 0 < eps ≤ 0.1", eps)
			}
		}
	}
}

func (v *validator) weights() {
	w := v.d.Weights
	if w.ONNX == nil && len(w.Other) == 0 {
		v.bad("weights", "at least one weights entry is required")
		return
	}
	if o := w.ONNX; o != nil {
		v.file("weights.onnx.source", o.Source, o.SHA256)
		if o.OpsetVersion < 7 {
			v.bad("weights.onnx.opset_version", "%d, want ≥ 7", o.OpsetVersion)
		}
	}
}

// sizes checks the test tensors' shapes against the axes' sizes.
func (v *validator) sizes() {
	all := map[string]Tensor{}
	for _, t := range append(slices.Clone(v.d.Inputs), v.d.Outputs...) {
		all[t.ID] = t
	}
	batch := -1
	for f, t := range v.tensorFields() {
		shape, ok := v.shapes[t.ID]
		if !ok {
			continue
		}
		for j, a := range t.Axes {
			af := fmt.Sprintf("%s.axes.%d", f, j)
			n := shape[j]
			switch {
			case a.Type == "batch":
				if batch >= 0 && n != batch {
					v.bad(af, "test tensor batch size %d, another test tensor has %d", n, batch)
				}
				batch = n
			case a.Type == "channel":
				if len(a.ChannelNames) > 0 && n != len(a.ChannelNames) {
					v.bad(af, "test tensor has %d channels, channel_names %d", n, len(a.ChannelNames))
				}
			case a.Size == nil:
			case a.Size.TensorID != "":
				ref, ok := all[a.Size.TensorID]
				k := -1
				if ok {
					k = slices.IndexFunc(ref.Axes, func(r Axis) bool { return r.AxisID() == a.Size.AxisID })
				}
				if k < 0 {
					v.bad(af+".size", "refers to %s.%s, which is not an axis of a tensor", a.Size.TensorID, a.Size.AxisID)
					continue
				}
				if rs, ok := v.shapes[ref.ID]; ok && n != rs[k]+a.Size.Offset {
					v.bad(af+".size", "test tensor size %d, %s.%s's is %d (offset %d)", n, ref.ID, a.Size.AxisID, rs[k], a.Size.Offset)
				}
				if a.Halo > 0 && n-2*a.Halo < 1 {
					v.bad(af+".halo", "halo %d leaves nothing of the test tensor's %d", a.Halo, n)
				}
			case a.Size.Fixed > 0:
				if n != a.Size.Fixed {
					v.bad(af+".size", "test tensor size %d, the axis's is %d", n, a.Size.Fixed)
				}
			default:
				if n < a.Size.Min || (a.Size.Step > 0 && (n-a.Size.Min)%a.Size.Step != 0) || (a.Size.Step == 0 && n != a.Size.Min) {
					v.bad(af+".size", "test tensor size %d is not %d + n·%d", n, a.Size.Min, a.Size.Step)
				}
			}
		}
	}
}

// tensorFields yields every tensor with its field path.
func (v *validator) tensorFields() func(func(string, Tensor) bool) {
	return func(yield func(string, Tensor) bool) {
		for i, t := range v.d.Inputs {
			if !yield(fmt.Sprintf("inputs.%d", i), t) {
				return
			}
		}
		for i, t := range v.d.Outputs {
			if !yield(fmt.Sprintf("outputs.%d", i), t) {
				return
			}
		}
	}
}
