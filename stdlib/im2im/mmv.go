package im2im

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// MMVNote is one mmv_im2im setting that a conversion dropped, approximated or
// replaced.
type MMVNote struct {
	// Path is the setting's mmv_im2im path, e.g. data.preprocess[2].params.C.
	Path string
	// Line is its line in the mmv_im2im file (0: unknown).
	Line int
	// Kind is "dropped" (im2im has no such setting; harmless or noted why),
	// "approximated" (mapped to the closest im2im setting, which differs) or
	// "replaced" (a network im2im lacks, replaced by another: a warning).
	Kind string
	// Message says what im2im does instead.
	Message string
	// At is the im2im key the note belongs to ("": none; listed in the header).
	At string
}

// String renders the note as "line N: path: kind: message".
func (n MMVNote) String() string {
	return fmt.Sprintf("line %d: %s: %s: %s", n.Line, n.Path, n.Kind, n.Message)
}

// MMVConversion is an mmv_im2im configuration mapped to im2im's.
type MMVConversion struct {
	// Config is the converted configuration (with any overrides applied).
	Config Config
	// Notes lists every dropped, approximated or replaced setting, in file
	// order.
	Notes []MMVNote
	// YAML is the equivalent im2im configuration, commented where a setting was
	// dropped or approximated (before overrides).
	YAML string
	// Inference holds an inference config's image folders and checkpoint.
	Inference MMVInference
}

// Warnings are the notes im2im warns about when it trains the conversion:
// networks im2im lacks, replaced by another.
func (m *MMVConversion) Warnings() []MMVNote {
	var out []MMVNote
	for _, n := range m.Notes {
		if n.Kind == "replaced" {
			out = append(out, n)
		}
	}
	return out
}

// MMVError lists every part of an mmv_im2im configuration that im2im cannot
// honour, each with its path and line.
type MMVError struct {
	// File is the configuration's name.
	File string
	// Problems are "path (line N): message" items.
	Problems []MMVProblem
}

// MMVProblem is one part of an mmv_im2im configuration im2im cannot honour.
type MMVProblem struct {
	Path    string
	Line    int
	Message string
}

// Error implements error: a header line and one indented line per problem.
func (e *MMVError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = fmt.Sprintf("%s:%d: %s: %s", e.File, p.Line, p.Path, p.Message)
	}
	return fmt.Sprintf("%s: mmv_im2im config cannot be converted (%d problem(s)):\n  %s", e.File, len(e.Problems), strings.Join(lines, "\n  "))
}

// IsMMVConfig reports whether YAML text is an mmv_im2im configuration rather
// than an im2im one: it has a root `mode` key, or mmv's data.data_path,
// data.dataloader or trainer.params, or a module_name/func_name block under
// model.
func IsMMVConfig(text []byte) bool {
	var doc yaml.Node
	if yaml.Unmarshal(text, &doc) != nil || len(doc.Content) == 0 {
		return false
	}
	return isMMVNode(doc.Content[0])
}

func isMMVNode(root *yaml.Node) bool {
	if root.Kind != yaml.MappingNode {
		return false
	}
	if child(root, "mode") != nil || child(child(root, "trainer"), "params") != nil {
		return true
	}
	data := child(root, "data")
	if child(data, "data_path") != nil || child(data, "dataloader") != nil {
		return true
	}
	m := child(root, "model")
	return child(child(m, "net"), "module_name") != nil || child(child(m, "criterion"), "module_name") != nil ||
		child(child(m, "net"), "generator") != nil
}

// ConvertMMV maps an mmv_im2im YAML configuration (name is used in messages;
// frameworks FCN, pix2pix, cyclegan, embedseg and ProbUnet; mode train or
// inference) to im2im's and applies dotted im2im overrides. Settings im2im
// cannot honour give one *MMVError listing each; harmless, approximated and
// replaced ones are in Notes and commented in YAML.
func ConvertMMV(name string, text []byte, overrides ...string) (*MMVConversion, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not an mmv_im2im config: want a mapping with data, model and trainer", name)
	}
	c := newMMVConv(name)
	c.convert(doc.Content[0])
	if len(c.errs) > 0 {
		return nil, &MMVError{File: name, Problems: c.errs}
	}
	sort.SliceStable(c.notes, func(i, j int) bool { return c.notes[i].Line < c.notes[j].Line })
	c.attachComments()
	text2 := c.render()
	cfg, err := configFromNode(name+" (converted from mmv_im2im)", c.out, overrides)
	if err != nil {
		return nil, err
	}
	return &MMVConversion{Config: cfg, Notes: c.notes, YAML: text2, Inference: c.inference}, nil
}

// mmvConv is one conversion in progress: the im2im tree being built, notes
// and problems.
type mmvConv struct {
	file      string
	out       *yaml.Node
	notes     []MMVNote
	errs      []MMVProblem
	framework string
	dims      int
	// inputNormalized: a transform normalises IM (else data.normalize: none).
	inputNormalized bool
	// partial: data.partial is on (reload_dataloaders_every_n_epochs maps to it).
	partial bool
	// keys are the images mmv loads (IM, GT, CM).
	keys []string
	// multiChannel: IM is loaded with a channel axis.
	multiChannel bool
	// patch is set once a crop gave data.patch.size.
	patch []int
	// seg: the loss is a segmentation loss (GT holds labels).
	seg bool
	// regression: a ProbUnet regression task (refused).
	regression bool
	// inference collects data.inference_input/output and model.checkpoint.
	inference MMVInference
}

func newMMVConv(file string) *mmvConv {
	out := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range []string{"data", "model", "trainer"} {
		out.Content = append(out.Content, scalar(k), &yaml.Node{Kind: yaml.MappingNode})
	}
	return &mmvConv{file: file, out: out}
}

func (c *mmvConv) drop(n *yaml.Node, path, why string) {
	c.notes = append(c.notes, MMVNote{Path: path, Line: line(n), Kind: "dropped", Message: why})
}

func (c *mmvConv) approx(n *yaml.Node, path, at, why string) {
	c.notes = append(c.notes, MMVNote{Path: path, Line: line(n), Kind: "approximated", Message: why, At: at})
}

// replace notes a network im2im lacks and what replaced it (a warning).
func (c *mmvConv) replace(n *yaml.Node, path, at, why string) {
	c.notes = append(c.notes, MMVNote{Path: path, Line: line(n), Kind: "replaced", Message: why, At: at})
}

// gan reports a framework with a generator and a discriminator.
func (c *mmvConv) gan() bool { return c.framework == "pix2pix" || c.framework == "cyclegan" }

func (c *mmvConv) fail(n *yaml.Node, path, format string, args ...any) {
	c.errs = append(c.errs, MMVProblem{Path: path, Line: line(n), Message: fmt.Sprintf(format, args...)})
}

// set puts value (a *yaml.Node or anything yaml encodes) at the dotted im2im
// path, creating mappings on the way; a later set of the same path wins.
func (c *mmvConv) set(path string, value any) {
	n, ok := value.(*yaml.Node)
	if !ok {
		n = &yaml.Node{}
		if err := n.Encode(value); err != nil {
			n = scalar(fmt.Sprint(value))
		}
	}
	keys := strings.Split(path, ".")
	m := c.out
	for i, k := range keys {
		var found *yaml.Node
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == k {
				found = m.Content[j+1]
				if i == len(keys)-1 {
					m.Content[j+1] = n
				}
				break
			}
		}
		if i == len(keys)-1 {
			if found == nil {
				m.Content = append(m.Content, scalar(k), n)
			}
			return
		}
		if found == nil || found.Kind != yaml.MappingNode {
			found = &yaml.Node{Kind: yaml.MappingNode}
			m.Content = append(m.Content, scalar(k), found)
		}
		m = found
	}
}

// appendTo appends a transform {name, params} to the im2im list at path.
func (c *mmvConv) appendTo(path, name string, params map[string]any) {
	list := lookup(c.out, path)
	if list == nil {
		list = &yaml.Node{Kind: yaml.SequenceNode}
		c.set(path, list)
	}
	t := mapping("name", name)
	if len(params) > 0 {
		p := &yaml.Node{}
		_ = p.Encode(params)
		p.Style = yaml.FlowStyle
		t.Content = append(t.Content, scalar("params"), p)
	}
	list.Content = append(list.Content, t)
}

// attachComments puts each note with an im2im key beside that key; the rest
// go to the header.
func (c *mmvConv) attachComments() {
	var head []string
	head = append(head, fmt.Sprintf("im2im config converted from the mmv_im2im config %s.", c.file))
	var dropped []string
	for _, n := range c.notes {
		if n.At != "" {
			if k := lookupKey(c.out, n.At); k != nil {
				text := fmt.Sprintf("mmv %s (line %d) %s: %s", n.Path, n.Line, n.Kind, n.Message)
				if n.Kind == "replaced" {
					text = "WARNING: " + text
				}
				k.HeadComment = joinComment(k.HeadComment, text)
				continue
			}
		}
		dropped = append(dropped, "  "+n.String())
	}
	if len(dropped) > 0 {
		head = append(head, fmt.Sprintf("Settings without an im2im key (%d):", len(dropped)))
		head = append(head, dropped...)
	}
	c.out.HeadComment = strings.Join(head, "\n")
}

func joinComment(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

func (c *mmvConv) render() string {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c.out); err != nil {
		return "# error: " + err.Error() + "\n"
	}
	enc.Close()
	return b.String()
}

// mapping builds an ordered YAML mapping from key, value pairs.
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		v, ok := kv[i+1].(*yaml.Node)
		if !ok {
			v = &yaml.Node{}
			_ = v.Encode(kv[i+1])
			if v.Kind == yaml.SequenceNode {
				v.Style = yaml.FlowStyle
			}
		}
		m.Content = append(m.Content, scalar(kv[i].(string)), v)
	}
	return m
}
