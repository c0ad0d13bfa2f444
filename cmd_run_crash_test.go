package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crashNotebook is a notebook whose second code cell runs src.
func crashNotebook(t *testing.T, dir, src string) string {
	t.Helper()
	cells := []map[string]any{
		{"cell_type": "code", "id": "a", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil,
			"source": "import \"fmt\"\nbefore := 41\nfmt.Println(\"before the crash\")"},
		{"cell_type": "markdown", "id": "m", "metadata": map[string]any{}, "source": "## Crash"},
		{"cell_type": "code", "id": "b", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil, "source": src},
		{"cell_type": "code", "id": "c", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil, "source": "before + 1"},
	}
	b, err := json.Marshal(map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{}, "cells": cells})
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "crash.ipynb")
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return in
}

// TestRunCrashProcess runs `im2im run` as a process on notebooks whose second
// code cell crashes the process running them in ways Go cannot recover from:
// the run exits 1 with one line naming the cell and the cause (Go's crash
// report in a file beside the output, not on the terminal), and the output
// notebook has the cause as that cell's error, the first cell's output, and
// nothing for the cell after.
func TestRunCrashProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command as processes")
	}
	for _, tc := range []struct {
		name, src, cause string
	}{
		{"allocation larger than memory", "x := make([]byte, 1<<40)\nlen(x)", "out of memory"},
		{"SIGKILL", "import (\n\t\"os\"\n\t\"os/exec\"\n\t\"strconv\"\n)\nexec.Command(\"kill\", \"-9\", strconv.Itoa(os.Getpid())).Run()",
			"killed by signal 9"},
		{"compiled os.Exit", "import \"flag\"\nflag.NewFlagSet(\"cell\", flag.ExitOnError).Parse([]string{\"-nope\"})", "exit status 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := crashNotebook(t, dir, tc.src)
			stderr, code := runProcess(t, "run", in)
			wantLine := "im2im: " + in + ": cell 3 (In [2]): KernelCrashed: " + tc.cause
			if code != 1 || !strings.Contains(stderr, wantLine) {
				t.Fatalf("exit %d, want 1 and the line %q in stderr:\n%s", code, wantLine, stderr)
			}
			outs, counts, meta := cellOutputs(t, filepath.Join(dir, "crash.out.ipynb"))
			if len(outs[0]) != 1 || !strings.Contains(toJSON(outs[0][0]), "before the crash") {
				t.Errorf("first cell's outputs %v", outs[0])
			}
			if n := len(outs[1]); n == 0 || outs[1][n-1].(map[string]any)["ename"] != "KernelCrashed" ||
				!strings.Contains(outs[1][n-1].(map[string]any)["evalue"].(string), tc.cause) || counts[1] != float64(2) {
				t.Errorf("crashed cell's outputs %v, count %v", outs[1], counts[1])
			}
			if len(outs[2]) != 0 || counts[2] != nil {
				t.Errorf("the cell after the crash ran: %v %v", outs[2], counts[2])
			}
			if run := toJSON(meta["im2im"]); !strings.Contains(run, `"status":"failed"`) || !strings.Contains(run, `"failed_cell":3`) {
				t.Errorf("metadata im2im %s", run)
			}
			// Go's crash report (goroutine stacks) is kept in a file, not shown
			// on the terminal.
			report := filepath.Join(dir, "crash.out.crash.txt")
			if b, err := os.ReadFile(report); tc.cause == "out of memory" && (err != nil || !strings.Contains(string(b), "goroutine ")) {
				t.Errorf("crash report %s: %v", report, err)
			}
			if strings.Contains(stderr, "goroutine ") {
				t.Errorf("the terminal got goroutine stacks:\n%s", stderr)
			}
		})
	}
}

// toJSON is v encoded, for searching.
func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
