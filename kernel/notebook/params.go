package notebook

import (
	"errors"
	"fmt"
	"go/token"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Param is a parameter value given to a run, not yet typed: the text of a
// name=value argument or a value of a YAML params file.
type Param struct {
	// Name is the parameter (a Go identifier).
	Name string
	// Text is the value as given on the command line ("" for YAML values).
	Text string
	// Node is the value parsed as YAML.
	Node *yaml.Node
	// Origin says where the value came from, for error messages
	// ("-p epochs=3", "params.yaml:4").
	Origin string
	// fromText marks command-line values: string parameters take Text verbatim.
	fromText bool
}

// ParseArg parses a command-line parameter "name=value". The value is read as
// YAML (so `sizes=[32, 64]` is a list) except for string parameters, which take
// the text verbatim.
func ParseArg(arg string) (Param, error) {
	name, val, ok := strings.Cut(arg, "=")
	name = strings.TrimSpace(name)
	if !ok || !token.IsIdentifier(name) {
		return Param{}, fmt.Errorf("parameter %q: want name=value with a Go identifier as name", arg)
	}
	p := Param{Name: name, Text: val, Origin: "-p " + arg, fromText: true}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(val), &doc); err == nil && len(doc.Content) == 1 {
		p.Node = doc.Content[0]
	} else {
		p.Node = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val}
	}
	return p, nil
}

// ParseYAML reads a params file: a YAML mapping from parameter names to values
// (scalars or lists), in file order. file names the file in errors and origins.
func ParseYAML(b []byte, file string) ([]Param, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil // empty file
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of parameter names to values, got %s", file, m.Line, kindName(m))
	}
	var out []Param
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || !token.IsIdentifier(k.Value) {
			return nil, fmt.Errorf("%s:%d: parameter name %q is not a Go identifier", file, k.Line, k.Value)
		}
		out = append(out, Param{Name: k.Value, Node: v, Origin: fmt.Sprintf("%s:%d", file, k.Line)})
	}
	return out, nil
}

// kindName names a YAML node kind for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

// Literal returns the Go literal for p's value converted to type t: integers and
// floats range-checked for their size, strings quoted, bools, and slices written
// as composite literals (from a YAML list or comma-separated text).
func (p Param) Literal(t *Type) (string, error) {
	if t.Kind == "string" && p.fromText {
		return strconv.Quote(p.Text), nil
	}
	return literal(t, p.Node)
}

func literal(t *Type, n *yaml.Node) (string, error) {
	if t.Kind == "slice" {
		var elems []*yaml.Node
		switch {
		case n.Kind == yaml.SequenceNode:
			elems = n.Content
		case n.Kind == yaml.ScalarNode && n.Tag != "!!null":
			if strings.TrimSpace(n.Value) != "" {
				for _, part := range strings.Split(n.Value, ",") {
					elems = append(elems, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.TrimSpace(part)})
				}
			}
		default:
			return "", fmt.Errorf("want a list for %s, got %s", t.Name, kindName(n))
		}
		parts := make([]string, len(elems))
		for i, e := range elems {
			s, err := literal(t.Elem, e)
			if err != nil {
				return "", fmt.Errorf("element %d: %w", i+1, err)
			}
			parts[i] = s
		}
		return t.Name + "{" + strings.Join(parts, ", ") + "}", nil
	}
	if n.Kind != yaml.ScalarNode || (n.Tag == "!!null" && t.Kind != "string") {
		return "", fmt.Errorf("want %s, got %s", t.describe(), kindName(n))
	}
	v := strings.TrimSpace(n.Value)
	switch t.Kind {
	case "string":
		if n.Tag == "!!null" {
			return "", fmt.Errorf("want a string, got null")
		}
		return strconv.Quote(n.Value), nil
	case "bool":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", fmt.Errorf("want a bool (true or false), got %q", n.Value)
		}
		return strconv.FormatBool(b), nil
	case "int":
		bits := t.bits()
		i, err := strconv.ParseInt(v, 0, bits)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return "", fmt.Errorf("%q is out of range for %s", n.Value, t.Name)
			}
			return "", fmt.Errorf("want %s, got %q", t.describe(), n.Value)
		}
		return strconv.FormatInt(i, 10), nil
	case "uint":
		u, err := strconv.ParseUint(v, 0, t.bits())
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return "", fmt.Errorf("%q is out of range for %s", n.Value, t.Name)
			}
			return "", fmt.Errorf("want %s, got %q", t.describe(), n.Value)
		}
		return strconv.FormatUint(u, 10), nil
	case "float":
		bits := t.Bits
		if bits == 0 {
			bits = 64
		}
		f, err := strconv.ParseFloat(v, bits)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			if errors.Is(err, strconv.ErrRange) {
				return "", fmt.Errorf("%q is out of range for %s", n.Value, t.Name)
			}
			return "", fmt.Errorf("want %s, got %q", t.describe(), n.Value)
		}
		return strconv.FormatFloat(f, 'g', -1, bits), nil
	}
	return "", fmt.Errorf("type %s cannot be injected", t.Name)
}

// bits is the size ParseInt/ParseUint check against (int and uint are 64-bit).
func (t *Type) bits() int {
	if t.Bits == 0 {
		return 64
	}
	return t.Bits
}

// describe names the kind of value a type wants ("an integer (int8)").
func (t *Type) describe() string {
	switch t.Kind {
	case "int":
		return "an integer (" + t.Name + ")"
	case "uint":
		return "a non-negative integer (" + t.Name + ")"
	case "float":
		return "a number (" + t.Name + ")"
	case "bool":
		return "a bool"
	case "string":
		return "a string"
	}
	return t.Name
}
