package bioimageio

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// FormatVersion is the model description format version written.
const FormatVersion = "0.5.3"

// Description is a bioimage.io model description (rdf.yaml).
type Description struct {
	FormatVersion string   `yaml:"format_version"`
	Type          string   `yaml:"type"`
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description,omitempty"`
	Authors       []Author `yaml:"authors,omitempty"`
	Cite          []Cite   `yaml:"cite,omitempty"`
	License       string   `yaml:"license,omitempty"`
	Documentation string   `yaml:"documentation,omitempty"`
	Covers        []string `yaml:"covers,omitempty"`
	Tags          []string `yaml:"tags,omitempty"`
	Timestamp     string   `yaml:"timestamp,omitempty"`
	Version       string   `yaml:"version,omitempty"`
	Inputs        []Tensor `yaml:"inputs"`
	Outputs       []Tensor `yaml:"outputs"`
	Weights       Weights  `yaml:"weights"`
	// Config holds tool-specific settings (config.im2im: the run's config).
	Config map[string]any `yaml:"config,omitempty"`
	// Extra keeps top-level fields this package does not model.
	Extra map[string]any `yaml:",inline"`
}

// Author is an author of the model.
type Author struct {
	Name        string `yaml:"name"`
	Affiliation string `yaml:"affiliation,omitempty"`
	Email       string `yaml:"email,omitempty"`
	GithubUser  string `yaml:"github_user,omitempty"`
	ORCID       string `yaml:"orcid,omitempty"`
}

// Cite is a citation: text plus a DOI or a URL.
type Cite struct {
	Text string `yaml:"text"`
	DOI  string `yaml:"doi,omitempty"`
	URL  string `yaml:"url,omitempty"`
}

// Tensor describes an input or output tensor.
type Tensor struct {
	ID          string `yaml:"id"`
	Description string `yaml:"description,omitempty"`
	Axes        []Axis `yaml:"axes"`
	// TestTensor is the test input (raw, before preprocessing) or the
	// expected test output (after postprocessing).
	TestTensor *File `yaml:"test_tensor,omitempty"`
	// Data describes the element type.
	Data           *Data        `yaml:"data,omitempty"`
	Preprocessing  []Processing `yaml:"preprocessing,omitempty"`
	Postprocessing []Processing `yaml:"postprocessing,omitempty"`
}

// Axis is one axis of a tensor: batch, channel (with ChannelNames) or space
// (with a Size, and for outputs a Halo).
type Axis struct {
	Type         string   `yaml:"type"`
	ID           string   `yaml:"id,omitempty"`
	Description  string   `yaml:"description,omitempty"`
	ChannelNames []string `yaml:"channel_names,omitempty"`
	Size         *Size    `yaml:"size,omitempty"`
	Scale        float64  `yaml:"scale,omitempty"`
	Unit         string   `yaml:"unit,omitempty"`
	Halo         int      `yaml:"halo,omitempty"`
	Concatenable bool     `yaml:"concatenable,omitempty"`
}

// AxisID is the axis's id with the spec's defaults (batch, channel).
func (a Axis) AxisID() string {
	if a.ID != "" {
		return a.ID
	}
	switch a.Type {
	case "batch", "channel", "index", "time":
		return a.Type
	}
	return "x"
}

// Size is an axis size: Fixed (> 0), a parameterized Min + n·Step, or the
// size of another tensor's axis (TensorID, AxisID) plus Offset.
type Size struct {
	Fixed     int
	Min, Step int
	TensorID  string
	AxisID    string
	Offset    int
}

// MarshalYAML writes the size as an int or a mapping.
func (s Size) MarshalYAML() (any, error) {
	switch {
	case s.TensorID != "":
		m := map[string]any{"tensor_id": s.TensorID, "axis_id": s.AxisID}
		if s.Offset != 0 {
			m["offset"] = s.Offset
		}
		return m, nil
	case s.Step > 0 || s.Min > 0:
		return map[string]int{"min": s.Min, "step": s.Step}, nil
	}
	return s.Fixed, nil
}

// UnmarshalYAML reads the three forms of a size.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&s.Fixed)
	}
	var m struct {
		Min      int    `yaml:"min"`
		Step     int    `yaml:"step"`
		TensorID string `yaml:"tensor_id"`
		AxisID   string `yaml:"axis_id"`
		Offset   int    `yaml:"offset"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	if m.TensorID == "" && m.Min <= 0 {
		return fmt.Errorf("line %d: size wants an int, {min, step} or {tensor_id, axis_id}", n.Line)
	}
	*s = Size{Min: m.Min, Step: m.Step, TensorID: m.TensorID, AxisID: m.AxisID, Offset: m.Offset}
	return nil
}

// File is a file of the package with its checksum.
type File struct {
	Source string `yaml:"source"`
	SHA256 string `yaml:"sha256,omitempty"`
}

// Data is a tensor's element type.
type Data struct {
	Type string `yaml:"type"`
}

// Processing is one pre- or post-processing step: id and its kwargs.
type Processing struct {
	ID     string         `yaml:"id"`
	Kwargs map[string]any `yaml:"kwargs,omitempty"`
}

// Weights lists the weight formats; only ONNX is modelled, others are kept.
type Weights struct {
	ONNX  *ONNXWeights   `yaml:"onnx,omitempty"`
	Other map[string]any `yaml:",inline"`
}

// ONNXWeights is an ONNX weights entry.
type ONNXWeights struct {
	Source       string   `yaml:"source"`
	SHA256       string   `yaml:"sha256,omitempty"`
	OpsetVersion int      `yaml:"opset_version"`
	Authors      []Author `yaml:"authors,omitempty"`
}

// Marshal renders the description as YAML.
func (d *Description) Marshal() ([]byte, error) { return yaml.Marshal(d) }

// Parse reads a description from YAML (format 0.5.x; older formats are an
// error naming the version).
func Parse(b []byte) (*Description, error) {
	var d Description
	if err := yaml.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("bioimageio: rdf.yaml: %w", err)
	}
	if len(d.FormatVersion) < 4 || d.FormatVersion[:4] != "0.5." {
		return nil, fmt.Errorf("bioimageio: rdf.yaml: format_version %q is not supported (want 0.5.x; update the package with bioimageio.spec)", d.FormatVersion)
	}
	return &d, nil
}
