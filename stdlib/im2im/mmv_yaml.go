package im2im

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// child returns the value of key in mapping n (nil when n is not a mapping or
// has no such key; with duplicate keys the last wins, as in PyYAML).
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var v *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v = n.Content[i+1]
		}
	}
	if v != nil && v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	return v
}

// lookup returns the value at a dotted path of mappings (nil if absent).
func lookup(n *yaml.Node, path string) *yaml.Node {
	for _, k := range strings.Split(path, ".") {
		n = child(n, k)
	}
	return n
}

// lookupKey returns the key node of the dotted path (nil if absent).
func lookupKey(n *yaml.Node, path string) *yaml.Node {
	keys := strings.Split(path, ".")
	for i, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var key, val *yaml.Node
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == k {
				key, val = n.Content[j], n.Content[j+1]
			}
		}
		if i == len(keys)-1 {
			return key
		}
		n = val
	}
	return nil
}

// entry is one key of a mapping with its value.
type entry struct {
	key string
	k   *yaml.Node
	v   *yaml.Node
}

// entries lists a mapping's keys in order (empty when n is not a mapping).
func entries(n *yaml.Node) []entry {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		v := n.Content[i+1]
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		out = append(out, entry{key: n.Content[i].Value, k: n.Content[i], v: v})
	}
	return out
}

func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

// str is a scalar's text ("" for anything else).
func str(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// number parses a scalar as a number.
func number(n *yaml.Node) (float64, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(n.Value), 64)
	return f, err == nil
}

// integer parses a scalar as a whole number.
func integer(n *yaml.Node) (int, bool) {
	f, ok := number(n)
	if !ok || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}

// boolean parses a scalar as a YAML 1.1 boolean (true/True/yes/...).
func boolean(n *yaml.Node) (bool, bool) {
	switch strings.ToLower(str(n)) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

// numbers parses a scalar or a flat sequence of numbers.
func numbers(n *yaml.Node) ([]float64, bool) {
	if n == nil {
		return nil, false
	}
	if n.Kind == yaml.ScalarNode {
		f, ok := number(n)
		return []float64{f}, ok
	}
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	out := make([]float64, 0, len(n.Content))
	for _, e := range n.Content {
		f, ok := number(e)
		if !ok {
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

// ints parses a scalar or a flat sequence of whole numbers.
func ints(n *yaml.Node) ([]int, bool) {
	fs, ok := numbers(n)
	if !ok {
		return nil, false
	}
	out := make([]int, len(fs))
	for i, f := range fs {
		if f != float64(int(f)) {
			return nil, false
		}
		out[i] = int(f)
	}
	return out, true
}

// strs parses a scalar or a flat sequence of strings (MONAI keys).
func strs(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, e := range n.Content {
		out = append(out, str(e))
	}
	return out
}
