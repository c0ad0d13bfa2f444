package notebook

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"invalid JSON", "{\n \"cells\": [,]\n}", []string{"invalid JSON at line 2, column 12"}},
		{"truncated", `{"cells": [`, []string{"invalid JSON"}},
		{"empty", ``, []string{"invalid JSON"}},
		{"array", `[1, 2]`, []string{"not a Jupyter notebook", "array"}},
		{"null", `null`, []string{"not a Jupyter notebook"}},
		{"no nbformat", `{"cells": [], "metadata": {}}`, []string{`no "nbformat"`}},
		{"nbformat 3", `{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}`, []string{"nbformat 3 is not supported, want 4"}},
		{"nbformat 5", `{"nbformat": 5, "cells": []}`, []string{"nbformat 5 is not supported"}},
		{"nbformat string", `{"nbformat": "4", "cells": []}`, []string{`"nbformat" is "4", want an integer`}},
		{"minor negative", `{"nbformat": 4, "nbformat_minor": -1, "cells": []}`, []string{"nbformat_minor"}},
		{"no cells", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}`, []string{`no "cells"`}},
		{"cells object", `{"nbformat": 4, "cells": {}}`, []string{`"cells" is {}, want an array`}},
		{"metadata list", `{"nbformat": 4, "cells": [], "metadata": []}`, []string{`"metadata" is [], want an object`}},
		{"cell not object", `{"nbformat": 4, "cells": [3]}`, []string{"cell 1: is 3, want an object"}},
		{"no cell_type", `{"nbformat": 4, "cells": [{"source": ""}]}`, []string{`cell 1: no "cell_type"`}},
		{"unknown cell_type", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": []}, {"cell_type": "heading", "source": ""}]}`,
			[]string{`cell 2: unknown "cell_type" "heading"`}},
		{"no source", `{"nbformat": 4, "cells": [{"cell_type": "markdown", "metadata": {}}]}`, []string{`cell 1: no "source"`}},
		{"source number", `{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": 5}]}`, []string{`cell 1: "source": is 5`}},
		{"source mixed list", `{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": ["a", 1]}]}`, []string{`cell 1: "source"`}},
		{"tags not list", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "metadata": {"tags": "parameters"}}]}`,
			[]string{`cell 1: "metadata.tags" is "parameters"`}},
		{"outputs object", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": {}}]}`,
			[]string{`cell 1: "outputs" is {}`}},
		{"bad output", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [{"output_type": "stream"}]}]}`,
			[]string{"cell 1: output 1: stream without"}},
		{"execution_count string", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "metadata": {}, "execution_count": "1", "outputs": []}]}`,
			[]string{`cell 1: "execution_count" is "1"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatalf("no error, parsed %d cells", len(nb.Cells))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestReadNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.ipynb")
	os.WriteFile(p, []byte(`{"nbformat": 4, "cells": [`), 0o644)
	_, err := Read(p)
	if err == nil || !strings.HasPrefix(err.Error(), p+": ") {
		t.Fatalf("error %v does not start with the file name", err)
	}
}

// TestRoundTripKeepsEverything parses and re-encodes the testdata notebooks: the
// JSON is the same value (every unknown field, attachment and metadata key kept),
// and a file already in Jupyter's layout comes back byte for byte.
func TestRoundTripKeepsEverything(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.ipynb")
	if len(files) < 5 {
		t.Fatalf("testdata has %d notebooks", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out, err := nb.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		var a, c any
		json.Unmarshal(b, &a)
		json.Unmarshal(out, &c)
		if !reflect.DeepEqual(a, c) {
			t.Errorf("%s: round trip changed the notebook:\n%s", f, out)
		}
		if f != "testdata/markdown.ipynb" && !strings.Contains(f, "golden") && !bytes.Equal(b, out) {
			t.Errorf("%s: round trip changed the layout:\n%s", f, out)
		}
	}
}

func TestMarshalKeepsUnknownFields(t *testing.T) {
	in := `{"nbformat": 4, "nbformat_minor": 1, "extra_top": [1, 2.50], "metadata": {"a": null},
	 "cells": [{"cell_type": "code", "source": "x := 1", "metadata": {}, "outputs": [
	   {"output_type": "future_kind", "payload": {"a": 1}},
	   {"output_type": "display_data", "data": {"application/json": {"k": [1, 2]}, "text/plain": ["a\n", "b"]}, "metadata": {"isolated": true}}
	 ], "execution_count": 3, "custom_cell_key": "kept"}]}`
	nb, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if nb.Cells[0].ExecutionCount != 3 || len(nb.Cells[0].Outputs) != 2 {
		t.Fatalf("cell %+v", nb.Cells[0])
	}
	if got := nb.Cells[0].Outputs[1].Data["text/plain"]; got != "a\nb" {
		t.Errorf("text/plain joined to %q", got)
	}
	out, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var a, c any
	json.Unmarshal([]byte(in), &a)
	json.Unmarshal(out, &c)
	if !reflect.DeepEqual(a, c) {
		t.Errorf("changed:\n%s", out)
	}
	if !bytes.Contains(out, []byte("2.50")) {
		t.Errorf("number spelling not kept:\n%s", out)
	}
}

func TestSplitLines(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"a\n\nb\n", []string{"a\n", "\n", "b\n"}},
		{"\n", []string{"\n"}},
	} {
		if got := splitLines(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	nb, err := Parse([]byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}`))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "out.ipynb")
	os.WriteFile(p, []byte("old"), 0o644)
	if err := nb.WriteFile(p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if _, err := Parse(b); err != nil {
		t.Fatalf("written file does not parse: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	if err := nb.WriteFile(filepath.Join(dir, "missing", "x.ipynb")); err == nil {
		t.Error("writing into a missing directory did not fail")
	}
}

func TestLineCol(t *testing.T) {
	b := []byte("ab\ncd\nef")
	for _, tc := range []struct {
		off       int64
		line, col int
	}{{1, 1, 1}, {2, 1, 2}, {4, 2, 1}, {5, 2, 2}, {8, 3, 2}, {100, 3, 2}} {
		if l, c := lineCol(b, tc.off); l != tc.line || c != tc.col {
			t.Errorf("lineCol(%d) = %d:%d, want %d:%d", tc.off, l, c, tc.line, tc.col)
		}
	}
}

// FuzzParse: Parse never panics; what it accepts re-encodes to a notebook that
// parses again and encodes identically.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ipynb")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["a\n", "b"], "outputs": [{"output_type": "stream", "name": "stdout", "text": "x\r"}]}]}`))
	f.Add([]byte(`{"nbformat": 3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		nb, err := Parse(b)
		if err != nil {
			return
		}
		out, err := nb.Marshal()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		nb2, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, err := nb2.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n---\n%s", out, out2)
		}
		if ref := referenceMarshal(t, nb); !bytes.Equal(out, ref) {
			t.Fatalf("Marshal differs from encoding/json's layout:\n%s\n---\n%s", out, ref)
		}
	})
}

// referenceMarshal encodes nb in one go with encoding/json (what Marshal's
// piecewise, cached encoding must reproduce byte for byte).
func referenceMarshal(t *testing.T, nb *Notebook) []byte {
	t.Helper()
	top := map[string]any{"nbformat": 4, "nbformat_minor": nb.Minor}
	for k, v := range nb.extra {
		top[k] = v
	}
	md := nb.Metadata
	if md == nil {
		md = map[string]json.RawMessage{}
	}
	top["metadata"] = md
	cells := make([]any, len(nb.Cells))
	for i, c := range nb.Cells {
		cells[i] = c.fields()
	}
	top["cells"] = cells
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(top); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMarshalMatchesReference(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.ipynb")
	golden, _ := filepath.Glob("testdata/golden/*.ipynb")
	for _, f := range append(files, golden...) {
		nb, err := Read(f)
		if err != nil {
			t.Fatal(err)
		}
		cache := map[*Cell][]byte{}
		for pass := 0; pass < 2; pass++ { // the second pass writes from the cache
			out, err := nb.marshal(cache)
			if err != nil {
				t.Fatal(err)
			}
			if ref := referenceMarshal(t, nb); !bytes.Equal(out, ref) {
				t.Errorf("%s pass %d: Marshal differs from encoding/json:\n%s\n---\n%s", f, pass, out, ref)
			}
		}
	}
}
