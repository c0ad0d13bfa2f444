package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Notebook is an nbformat 4 notebook. Cells and the metadata keys the runner sets
// are typed; every other field is kept as read and written back unchanged.
type Notebook struct {
	// Cells in notebook order.
	Cells []*Cell
	// Minor is nbformat_minor (the major version is always 4).
	Minor int
	// Metadata is the notebook metadata, one raw JSON value per key.
	Metadata map[string]json.RawMessage

	extra map[string]json.RawMessage // other top-level keys
}

// Cell is one notebook cell.
type Cell struct {
	// Type is "code", "markdown" or "raw".
	Type string
	// Source is the cell text (a source line list is joined).
	Source string
	// ID is the cell id (nbformat ≥ 4.5), "" when absent.
	ID string
	// Metadata is the cell metadata, one raw JSON value per key.
	Metadata map[string]json.RawMessage
	// Outputs of a code cell.
	Outputs []*Output
	// ExecutionCount of a code cell; 0 is written as null.
	ExecutionCount int

	raw       map[string]json.RawMessage // all fields as read
	rawSource json.RawMessage            // source as read, written back while Source is unchanged
	origSrc   string
}

// Tags returns the cell's metadata.tags (nil when absent or malformed).
func (c *Cell) Tags() []string {
	var tags []string
	if t, ok := c.Metadata["tags"]; ok {
		if json.Unmarshal(t, &tags) != nil {
			return nil
		}
	}
	return tags
}

// HasTag reports whether metadata.tags contains tag.
func (c *Cell) HasTag(tag string) bool {
	for _, t := range c.Tags() {
		if t == tag {
			return true
		}
	}
	return false
}

// SetMetadata sets metadata key k of the cell to v (encoded as JSON).
func (c *Cell) SetMetadata(k string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cell metadata %q: %w", k, err)
	}
	if c.Metadata == nil {
		c.Metadata = map[string]json.RawMessage{}
	}
	c.Metadata[k] = b
	return nil
}

// SetMetadata sets notebook metadata key k to v (encoded as JSON).
func (nb *Notebook) SetMetadata(k string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("notebook metadata %q: %w", k, err)
	}
	if nb.Metadata == nil {
		nb.Metadata = map[string]json.RawMessage{}
	}
	nb.Metadata[k] = b
	return nil
}

// Read parses the notebook file path (errors name the file).
func Read(path string) (*Notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

// Parse parses an nbformat 4 notebook. Invalid JSON, another nbformat major
// version or malformed cells give one error naming the place (line:column, cell
// number, key).
func Parse(b []byte) (*Notebook, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, jsonError(b, err)
	}
	if top == nil {
		return nil, errors.New("not a Jupyter notebook: the file is JSON null")
	}
	rawFormat, ok := top["nbformat"]
	if !ok {
		return nil, errors.New(`not a Jupyter notebook: no "nbformat" key`)
	}
	var major int
	if err := json.Unmarshal(rawFormat, &major); err != nil {
		return nil, fmt.Errorf(`not a Jupyter notebook: "nbformat" is %s, want an integer`, short(rawFormat))
	}
	if major != 4 {
		return nil, fmt.Errorf("nbformat %d is not supported, want 4 (convert it with `jupyter nbconvert --to notebook`)", major)
	}
	nb := &Notebook{extra: map[string]json.RawMessage{}}
	if m, ok := top["nbformat_minor"]; ok {
		if err := json.Unmarshal(m, &nb.Minor); err != nil || nb.Minor < 0 {
			return nil, fmt.Errorf(`"nbformat_minor" is %s, want a non-negative integer`, short(m))
		}
	}
	if m, ok := top["metadata"]; ok {
		if err := json.Unmarshal(m, &nb.Metadata); err != nil || nb.Metadata == nil {
			return nil, fmt.Errorf(`"metadata" is %s, want an object`, short(m))
		}
	} else {
		nb.Metadata = map[string]json.RawMessage{}
	}
	rawCells, ok := top["cells"]
	if !ok {
		return nil, errors.New(`not a Jupyter notebook: no "cells" key`)
	}
	var cells []json.RawMessage
	if err := json.Unmarshal(rawCells, &cells); err != nil {
		return nil, fmt.Errorf(`"cells" is %s, want an array`, short(rawCells))
	}
	for i, rc := range cells {
		c, err := parseCell(rc)
		if err != nil {
			return nil, fmt.Errorf("cell %d: %w", i+1, err)
		}
		nb.Cells = append(nb.Cells, c)
	}
	for k, v := range top {
		switch k {
		case "nbformat", "nbformat_minor", "metadata", "cells":
		default:
			nb.extra[k] = v
		}
	}
	return nb, nil
}

// parseCell decodes one cell.
func parseCell(rc json.RawMessage) (*Cell, error) {
	c := &Cell{}
	if err := json.Unmarshal(rc, &c.raw); err != nil || c.raw == nil {
		return nil, fmt.Errorf("is %s, want an object", short(rc))
	}
	t, ok := c.raw["cell_type"]
	if !ok {
		return nil, errors.New(`no "cell_type"`)
	}
	if err := json.Unmarshal(t, &c.Type); err != nil {
		return nil, fmt.Errorf(`"cell_type" is %s, want a string`, short(t))
	}
	switch c.Type {
	case "code", "markdown", "raw":
	default:
		return nil, fmt.Errorf(`unknown "cell_type" %q (want code, markdown or raw)`, c.Type)
	}
	src, ok := c.raw["source"]
	if !ok {
		return nil, errors.New(`no "source"`)
	}
	s, err := multiline(src)
	if err != nil {
		return nil, fmt.Errorf(`"source": %w`, err)
	}
	c.Source, c.origSrc, c.rawSource = s, s, src
	if id, ok := c.raw["id"]; ok {
		if err := json.Unmarshal(id, &c.ID); err != nil {
			return nil, fmt.Errorf(`"id" is %s, want a string`, short(id))
		}
	}
	if m, ok := c.raw["metadata"]; ok {
		if err := json.Unmarshal(m, &c.Metadata); err != nil || c.Metadata == nil {
			return nil, fmt.Errorf(`"metadata" is %s, want an object`, short(m))
		}
	} else {
		c.Metadata = map[string]json.RawMessage{}
	}
	if tags, ok := c.Metadata["tags"]; ok {
		var ts []string
		if err := json.Unmarshal(tags, &ts); err != nil {
			return nil, fmt.Errorf(`"metadata.tags" is %s, want a list of strings`, short(tags))
		}
	}
	if c.Type != "code" {
		return c, nil
	}
	if n, ok := c.raw["execution_count"]; ok && string(n) != "null" {
		if err := json.Unmarshal(n, &c.ExecutionCount); err != nil {
			return nil, fmt.Errorf(`"execution_count" is %s, want an integer or null`, short(n))
		}
	}
	if o, ok := c.raw["outputs"]; ok {
		var outs []json.RawMessage
		if err := json.Unmarshal(o, &outs); err != nil {
			return nil, fmt.Errorf(`"outputs" is %s, want an array`, short(o))
		}
		for j, ro := range outs {
			out, err := parseOutput(ro)
			if err != nil {
				return nil, fmt.Errorf("output %d: %w", j+1, err)
			}
			c.Outputs = append(c.Outputs, out)
		}
	}
	return c, nil
}

// multiline decodes an nbformat multi-line string: a string or a list of strings.
func multiline(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("is %s, want a string or a list of strings", short(raw))
	}
	return strings.Join(parts, ""), nil
}

// jsonError turns a decoding error into "invalid JSON at line L, column C: ...".
func jsonError(b []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(b, se.Offset)
		return fmt.Errorf("not a notebook: invalid JSON at line %d, column %d: %v", line, col, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("not a Jupyter notebook: the file holds a JSON %s, want an object", te.Value)
	}
	return fmt.Errorf("not a notebook: invalid JSON: %w", err)
}

// lineCol converts a byte offset (the position after the offending byte, as
// json.SyntaxError reports it) into a 1-based line and column.
func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	if off > 0 {
		off-- // point at the offending byte
	}
	before := b[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// short quotes a raw JSON value for an error message, cut to 40 bytes.
func short(raw json.RawMessage) string {
	s := string(bytes.TrimSpace(raw))
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// Marshal encodes nb as Jupyter writes it: keys sorted, one-space indent, text
// split into lines, a final newline.
func (nb *Notebook) Marshal() ([]byte, error) { return nb.marshal(nil) }

// marshal is Marshal with a cache of encoded cells: a cell found in cache is
// written from it, others are encoded and stored there (cache may be nil). The
// runner drops the cells it changes, so saving after every cell costs the cells
// that changed, not the whole notebook.
func (nb *Notebook) marshal(cache map[*Cell][]byte) ([]byte, error) {
	top := map[string]any{}
	for k, v := range nb.extra {
		top[k] = v
	}
	top["nbformat"] = 4
	top["nbformat_minor"] = nb.Minor
	md := nb.Metadata
	if md == nil {
		md = map[string]json.RawMessage{}
	}
	top["metadata"] = md
	top["cells"] = nil // written below
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.WriteString("{\n")
	for i, k := range keys {
		kb, err := encodeIndented(k, "")
		if err != nil {
			return nil, err
		}
		buf.WriteString(" ")
		buf.Write(kb)
		buf.WriteString(": ")
		if k == "cells" {
			if err := nb.writeCells(&buf, cache); err != nil {
				return nil, err
			}
		} else {
			vb, err := encodeIndented(top[k], " ")
			if err != nil {
				return nil, fmt.Errorf("encoding notebook %q: %w", k, err)
			}
			buf.Write(vb)
		}
		if i < len(keys)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

// writeCells writes the cells array at depth 1.
func (nb *Notebook) writeCells(buf *bytes.Buffer, cache map[*Cell][]byte) error {
	if len(nb.Cells) == 0 {
		buf.WriteString("[]")
		return nil
	}
	buf.WriteString("[\n")
	for i, c := range nb.Cells {
		cb, ok := cache[c]
		if !ok {
			var err error
			if cb, err = encodeIndented(c.fields(), "  "); err != nil {
				return fmt.Errorf("encoding cell %d: %w", i+1, err)
			}
			if cache != nil {
				cache[c] = cb
			}
		}
		buf.WriteString("  ")
		buf.Write(cb)
		if i < len(nb.Cells)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString(" ]")
	return nil
}

// encodeIndented encodes v as JSON with one-space indent after prefix, without
// HTML escaping and without the final newline.
func encodeIndented(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// fields is the JSON object of a cell.
func (c *Cell) fields() map[string]any {
	m := map[string]any{}
	for k, v := range c.raw {
		m[k] = v
	}
	m["cell_type"] = c.Type
	if c.Source == c.origSrc && c.rawSource != nil {
		m["source"] = c.rawSource
	} else {
		m["source"] = splitLines(c.Source)
	}
	if c.ID != "" {
		m["id"] = c.ID
	}
	md := c.Metadata
	if md == nil {
		md = map[string]json.RawMessage{}
	}
	m["metadata"] = md
	if c.Type == "code" {
		outs := make([]any, len(c.Outputs))
		for i, o := range c.Outputs {
			outs[i] = o.fields()
		}
		m["outputs"] = outs
		if c.ExecutionCount > 0 {
			m["execution_count"] = c.ExecutionCount
		} else {
			m["execution_count"] = nil
		}
	}
	return m
}

// splitLines splits s after each newline, as nbformat stores multi-line text.
func splitLines(s string) []string {
	parts := strings.SplitAfter(s, "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// WriteFile writes nb to path with WriteAtomic.
func (nb *Notebook) WriteFile(path string) error {
	b, err := nb.Marshal()
	if err != nil {
		return err
	}
	return WriteAtomic(path, b)
}

// WriteAtomic writes b to path through a temporary file in the same directory and
// a rename, so readers never see a half-written notebook.
func WriteAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing notebook: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing notebook %s: %w", path, err)
	}
	return nil
}
