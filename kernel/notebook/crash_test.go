package notebook

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestRecordCrash runs a notebook, then records a crash in a cell as a
// supervisor would on the saved result: the error output follows the cell's
// outputs, earlier cells keep theirs, and the run metadata names the cell.
func TestRecordCrash(t *testing.T) {
	src := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
	 {"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": null, "source": "import \"fmt\"\nfmt.Println(\"one\")"},
	 {"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# two"},
	 {"cell_type": "code", "id": "b", "metadata": {}, "outputs": [], "execution_count": null, "source": "fmt.Println(\"two\")"}]}`
	var saved []byte
	nb, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), nb, Options{Save: func(b []byte) error { saved = b; return nil }}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		cell     int
		wantErr  string
		wantOuts int // outputs of the cell after recording
	}{
		{"second code cell", 3, "", 2},
		{"first code cell", 1, "", 2},
		{"markdown cell", 2, "cell 2 is not a code cell", 0},
		{"past the end", 9, "cell 9 is not a code cell", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb, err := Parse(saved)
			if err != nil {
				t.Fatal(err)
			}
			ce, err := RecordCrash(nb, tc.cell, 7, "KernelCrashed", "out of memory", []string{"KernelCrashed: out of memory"})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := nb.Cells[tc.cell-1]
			if len(c.Outputs) != tc.wantOuts || c.ExecutionCount != 7 {
				t.Fatalf("outputs %d, count %d", len(c.Outputs), c.ExecutionCount)
			}
			last := c.Outputs[len(c.Outputs)-1]
			if last.Type != "error" || last.EName != "KernelCrashed" || last.EValue != "out of memory" {
				t.Errorf("last output %+v", last)
			}
			if first := c.Outputs[0]; first.Type != "stream" {
				t.Errorf("the cell's own output was dropped: %+v", first)
			}
			var md struct {
				Run map[string]any `json:"run"`
			}
			json.Unmarshal(nb.Metadata["im2im"], &md)
			if md.Run["status"] != "failed" || md.Run["failed_cell"] != float64(tc.cell) && md.Run["failed_cell"] != tc.cell ||
				!strings.Contains(ce.Error(), "KernelCrashed: out of memory") || md.Run["start_time"] == nil {
				t.Errorf("metadata %v, error %v", md.Run, ce)
			}
		})
	}
}
