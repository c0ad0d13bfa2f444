package notebook

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Output is one output of a code cell, as nbformat stores it.
type Output struct {
	// Type is "stream", "display_data", "execute_result" or "error" (another type
	// read from a file is kept as read).
	Type string
	// Name ("stdout" or "stderr") and Text of a stream.
	Name, Text string
	// Data (MIME type → content) and Metadata of display_data and execute_result.
	Data, Metadata map[string]any
	// ExecutionCount of an execute_result.
	ExecutionCount int
	// EName, EValue and Traceback of an error.
	EName, EValue string
	Traceback     []string

	raw json.RawMessage // an output of another type, written back as read
	buf streamBuf       // a stream being recorded
}

// parseOutput decodes one stored output.
func parseOutput(ro json.RawMessage) (*Output, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(ro, &m); err != nil || m == nil {
		return nil, fmt.Errorf("is %s, want an object", short(ro))
	}
	o := &Output{}
	if err := json.Unmarshal(m["output_type"], &o.Type); err != nil {
		return nil, errors.New(`no string "output_type"`)
	}
	switch o.Type {
	case "stream":
		if err := json.Unmarshal(m["name"], &o.Name); err != nil {
			return nil, errors.New(`stream without a string "name"`)
		}
		t, err := multiline(m["text"])
		if err != nil {
			return nil, fmt.Errorf(`stream "text": %w`, err)
		}
		o.Text = t
	case "display_data", "execute_result":
		var err error
		if o.Data, err = mimeBundle(m["data"]); err != nil {
			return nil, fmt.Errorf(`"data": %w`, err)
		}
		o.Metadata = map[string]any{}
		if md, ok := m["metadata"]; ok {
			var mm map[string]json.RawMessage
			if err := json.Unmarshal(md, &mm); err != nil {
				return nil, fmt.Errorf(`"metadata" is %s, want an object`, short(md))
			}
			for k, v := range mm {
				o.Metadata[k] = v
			}
		}
		if o.Type == "execute_result" {
			if n, ok := m["execution_count"]; ok && string(n) != "null" {
				if err := json.Unmarshal(n, &o.ExecutionCount); err != nil {
					return nil, fmt.Errorf(`"execution_count" is %s, want an integer or null`, short(n))
				}
			}
		}
	case "error":
		json.Unmarshal(m["ename"], &o.EName)
		json.Unmarshal(m["evalue"], &o.EValue)
		if err := json.Unmarshal(m["traceback"], &o.Traceback); err != nil {
			return nil, errors.New(`error without a "traceback" list of strings`)
		}
	default:
		o.raw = ro
	}
	return o, nil
}

// mimeBundle decodes output data: multi-line text joined, JSON types kept as JSON.
func mimeBundle(raw json.RawMessage) (map[string]any, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fmt.Errorf("is %s, want an object", short(raw))
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if isJSONMime(k) {
			out[k] = v
			continue
		}
		if s, err := multiline(v); err == nil {
			out[k] = s
		} else {
			out[k] = v
		}
	}
	return out, nil
}

// isJSONMime reports whether content of MIME type k is JSON, stored as is.
func isJSONMime(k string) bool {
	return k == "application/json" || (strings.HasPrefix(k, "application/") && strings.HasSuffix(k, "+json"))
}

// splitMime reports whether string content of MIME type k is stored as a line list.
func splitMime(k string) bool {
	return strings.HasPrefix(k, "text/") || k == "image/svg+xml" || k == "application/javascript"
}

// fields is the JSON object of an output.
func (o *Output) fields() any {
	if o.raw != nil {
		return o.raw
	}
	m := map[string]any{"output_type": o.Type}
	switch o.Type {
	case "stream":
		m["name"] = o.Name
		m["text"] = splitLines(o.Text)
	case "display_data", "execute_result":
		data := make(map[string]any, len(o.Data))
		for k, v := range o.Data {
			if s, ok := v.(string); ok && splitMime(k) {
				data[k] = splitLines(s)
			} else {
				data[k] = v
			}
		}
		m["data"] = data
		md := o.Metadata
		if md == nil {
			md = map[string]any{}
		}
		m["metadata"] = md
		if o.Type == "execute_result" {
			if o.ExecutionCount > 0 {
				m["execution_count"] = o.ExecutionCount
			} else {
				m["execution_count"] = nil
			}
		}
	case "error":
		m["ename"] = o.EName
		m["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["traceback"] = tb
	}
	return m
}

// streamBuf accumulates a stream's text as Jupyter front-ends show it: complete
// lines with their carriage returns and backspaces applied, and the raw text since
// the last newline, which later text may still overwrite. Keeping that tail raw
// makes the result independent of how the text was cut into pieces.
type streamBuf struct {
	done string // complete lines, processed
	tail string // raw text after the last newline
}

// add appends raw text and returns the stream's text so far.
func (b *streamBuf) add(text string) string {
	raw := b.tail + text
	i := strings.LastIndexByte(raw, '\n')
	b.done += fixControl(raw[:i+1])
	b.tail = raw[i+1:]
	return b.done + fixControl(b.tail)
}

// fixControl applies carriage returns and backspaces to s line by line. A carriage
// return at the very end is kept, so the next piece of text overwrites the line.
func fixControl(s string) string {
	if !strings.ContainsAny(s, "\r\b") {
		return s
	}
	var out strings.Builder
	lines := strings.SplitAfter(s, "\n")
	for li, line := range lines {
		nl := strings.HasSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\n")
		var buf []string // characters, as their bytes (invalid UTF-8 kept as is)
		cur := 0
		pendingCR := false
		for len(line) > 0 {
			_, size := utf8.DecodeRuneInString(line)
			ch := line[:size]
			line = line[size:]
			switch ch {
			case "\r":
				cur, pendingCR = 0, true
			case "\b":
				if cur > 0 {
					buf = append(buf[:cur-1], buf[cur:]...)
					cur--
				}
			default:
				pendingCR = false
				if cur < len(buf) {
					buf[cur] = ch
				} else {
					buf = append(buf, ch)
				}
				cur++
			}
		}
		out.WriteString(strings.Join(buf, ""))
		switch {
		case nl:
			out.WriteByte('\n')
		case pendingCR && li == len(lines)-1:
			out.WriteByte('\r')
		}
	}
	return out.String()
}
