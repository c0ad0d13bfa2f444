package notebook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/im2im/im2im/dsl"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.ipynb from the current output")

// runCase is one golden run: a testdata notebook, how it is run, and what the run
// must report besides the stored notebook.
type runCase struct {
	name, file string
	params     []string
	opt        Options
	wantErr    *CellError // nil: success
	failures   int        // len(Result.Failures)
	executed   int
	terminal   []string // regexps the terminal output must match, in order
}

var runCases = []runCase{
	{name: "params", file: "params.ipynb",
		params:   []string{"epochs=5", "sizes=[32, 16]", "name=cells", "verbose=true", "lr=0.01", "scale=2"},
		executed: 4,
		// The parameters cell is named by the markdown heading above it.
		terminal: []string{`\[1/4\] In \[1\] ok .* Parameters`, `\[2/4\] In \[2\] ok .*// Parameters injected`, `\[4/4\] In \[4\] ok`}},
	{name: "params-defaults", file: "params.ipynb", executed: 3},
	{name: "fail", file: "fail.ipynb", executed: 2,
		wantErr:  &CellError{Cell: 3, Count: 2, Name: dsl.ErrCompile, Msg: "undefined: undefinedName", Line: 3, Col: 10},
		failures: 1,
		terminal: []string{`\[1/3\] In \[1\] ok`, `\[2/3\] In \[2\] FAILED .* y := x \+ 1`,
			`    cell:3:10: undefined: undefinedName`, `       3 \| z := y \* undefinedName`, `\n                    \^\n`}},
	{name: "fail-allow-errors", file: "fail.ipynb", opt: Options{AllowErrors: true}, executed: 3, failures: 1,
		terminal: []string{`\[2/3\] In \[2\] FAILED`, `\[3/3\] In \[3\] ok`}},
	{name: "timeout", file: "timeout.ipynb", opt: Options{Timeout: 300 * time.Millisecond}, executed: 2, failures: 1,
		wantErr: &CellError{Cell: 2, Count: 2, Name: errTimeoutName,
			Msg: "the cell did not finish within 300ms (--timeout) and was interrupted", Timeout: true},
		terminal: []string{`\[2/3\] In \[2\] FAILED`, `CellTimeoutError: the cell did not finish within 300ms`}},
	{name: "displays", file: "displays.ipynb", opt: Options{Progress: true, LogOutput: true}, executed: 5,
		terminal: []string{"one\ntwo\n", `\[1/5\] In \[1\] ok`, `a warning\non stderr\n`, `\*\*bold\*\* text\nhtml\n<PNG image 3x2>\n`,
			`\n  epoch 1/3\n  epoch 3/3\n\[4/5\]`, `\n  training \*\*done\*\*\n"result"\n\[5/5\] In \[5\] ok`}},
	{name: "markdown", file: "markdown.ipynb", executed: 1},
}

// TestRunGolden runs the testdata notebooks and compares the executed notebooks
// with testdata/golden/ (volatile fields — times, the injected cell id, the Go
// version — masked). go test -run TestRunGolden -update rewrites the golden files.
func TestRunGolden(t *testing.T) {
	for _, tc := range runCases {
		t.Run(tc.name, func(t *testing.T) {
			nb, err := Read(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			lits, err := Inject(nb, args(t, tc.params...))
			if err != nil {
				t.Fatal(err)
			}
			var term bytes.Buffer
			var saves [][]byte
			opt := tc.opt
			opt.Terminal = &term
			opt.Parameters = lits
			opt.KernelSpec = map[string]any{"name": "im2im", "display_name": "im2im (Go)", "language": "go"}
			opt.LanguageInfo = map[string]any{"name": "go", "version": "1.x", "file_extension": ".go"}
			opt.Save = func(b []byte) error {
				// The cached encoding equals a fresh one at every save.
				if fresh, err := nb.Marshal(); err != nil || !bytes.Equal(fresh, b) {
					t.Errorf("save %d differs from a fresh encoding (%v)", len(saves)+1, err)
				}
				saves = append(saves, b)
				return nil
			}
			res, err := Run(context.Background(), nb, opt)
			checkRunError(t, err, tc.wantErr)
			if res.Executed != tc.executed || len(res.Failures) != tc.failures {
				t.Errorf("executed %d, %d failures; want %d, %d", res.Executed, len(res.Failures), tc.executed, tc.failures)
			}
			// Saved before the first cell, after each cell, and at the end.
			if len(saves) != tc.executed+2 {
				t.Errorf("%d saves, want %d", len(saves), tc.executed+2)
			}
			checkTerminal(t, term.String(), tc.terminal)
			final, _ := nb.Marshal()
			if !bytes.Equal(saves[len(saves)-1], final) {
				t.Error("the last save is not the final notebook")
			}
			compareGolden(t, final, filepath.Join("testdata", "golden", tc.name+".ipynb"))
		})
	}
}

func checkRunError(t *testing.T, err error, want *CellError) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("run failed: %v", err)
		}
		return
	}
	var ce *CellError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T), want a *CellError", err, err)
	}
	if *ce != *want {
		t.Errorf("error %+v\nwant  %+v", *ce, *want)
	}
}

// checkTerminal checks that the regexps match out in order.
func checkTerminal(t *testing.T, out string, want []string) {
	t.Helper()
	rest := out
	for _, w := range want {
		loc := regexp.MustCompile(w).FindStringIndex(rest)
		if loc == nil {
			t.Errorf("terminal output lacks %q (in order); got:\n%s", w, out)
			return
		}
		rest = rest[loc[1]:]
	}
}

var volatileKeys = map[string]bool{"start_time": true, "end_time": true, "duration_s": true, "version": true, "execution": true}

// normalize masks volatile fields of a decoded notebook in place.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if volatileKeys[k] {
				x[k] = "<volatile>"
				continue
			}
			x[k] = normalize(val)
		}
		if md, ok := x["metadata"].(map[string]any); ok {
			if tags, ok := md["tags"].([]any); ok && len(tags) == 1 && tags[0] == InjectedTag {
				if _, ok := x["id"]; ok {
					x["id"] = "<injected>"
				}
			}
		}
	case []any:
		for i := range x {
			x[i] = normalize(x[i])
		}
	}
	return v
}

// compareGolden compares got with the golden file structurally, after masking.
func compareGolden(t *testing.T, got []byte, path string) {
	t.Helper()
	var g any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	normalize(g)
	if *update {
		b, _ := json.MarshalIndent(g, "", " ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var w any
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		gb, _ := json.MarshalIndent(g, "", " ")
		t.Errorf("executed notebook differs from %s; got:\n%s", path, gb)
	}
}

// TestRunSavesPartialResults: after each cell the saved notebook holds the
// outputs so far and nothing of the cells not yet run (a crash leaves this).
func TestRunSavesPartialResults(t *testing.T) {
	nb, err := Read("testdata/fail.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	var saved []*Notebook
	_, err = Run(context.Background(), nb, Options{Save: func(b []byte) error {
		c, err := Parse(b)
		saved = append(saved, c)
		return err
	}})
	if err == nil {
		t.Fatal("fail.ipynb ran without error")
	}
	// Initial save: the stale outputs of the input are gone.
	for _, c := range saved[0].Cells {
		if len(c.Outputs) != 0 || c.ExecutionCount != 0 {
			t.Errorf("initial save keeps stale outputs %v / count %d", c.Outputs, c.ExecutionCount)
		}
	}
	after1 := saved[1]
	if o := after1.Cells[0].Outputs; len(o) != 1 || o[0].Text != "before the failure\n" {
		t.Errorf("after cell 1: outputs %+v", o)
	}
	if len(after1.Cells[2].Outputs) != 0 {
		t.Errorf("after cell 1, cell 3 already has outputs")
	}
	var meta struct{ Run map[string]any }
	json.Unmarshal(after1.Metadata["im2im"], &meta)
	if meta.Run["status"] != "running" {
		t.Errorf("status while running: %v", meta.Run["status"])
	}
	last := saved[len(saved)-1]
	json.Unmarshal(last.Metadata["im2im"], &meta)
	if meta.Run["status"] != "failed" || meta.Run["failed_cell"] != 3.0 {
		t.Errorf("final run metadata %v", meta.Run)
	}
}

// TestRunGivesUpOnStuckCell: a compiled call that ignores the interrupt (a long
// time.Sleep) fails the run once the grace period is over, instead of hanging.
func TestRunGivesUpOnStuckCell(t *testing.T) {
	sess, err := dsl.New()
	if err != nil {
		t.Fatal(err)
	}
	nb := nbWith(t, 5,
		[3]string{"code", "", "import \"time\"\ntime.Sleep(1500 * time.Millisecond)"},
		[3]string{"code", "", "1"},
	)
	start := time.Now()
	res, err := Run(context.Background(), nb, Options{Session: sess, Timeout: 100 * time.Millisecond, Grace: 200 * time.Millisecond})
	took := time.Since(start)
	// Let the sleeping call end before anything else runs: the session queues.
	sess.Execute(context.Background(), "1", nil)
	var ce *CellError
	if !errors.As(err, &ce) || !ce.Timeout || !ce.Stuck {
		t.Fatalf("error %v, want a stuck timeout", err)
	}
	if took > 1200*time.Millisecond {
		t.Errorf("Run took %s, want about timeout+grace (300ms)", took)
	}
	if res.Executed != 1 || nb.Cells[1].ExecutionCount != 0 {
		t.Errorf("executed %d; the next cell ran", res.Executed)
	}
	o := nb.Cells[0].Outputs
	if len(o) != 1 || o[0].EName != errTimeoutName || !strings.Contains(o[0].EValue, "did not stop within 200ms") {
		t.Errorf("outputs %+v", o)
	}
}

// TestRunInterrupted: cancelling the run's context interrupts the running cell
// and ends the run, also with AllowErrors.
func TestRunInterrupted(t *testing.T) {
	nb := nbWith(t, 5, [3]string{"code", "", "for {\n}"}, [3]string{"code", "", "1"})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	res, err := Run(ctx, nb, Options{AllowErrors: true})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Name != dsl.ErrInterrupted || ce.Timeout {
		t.Fatalf("error %v, want an interrupt", err)
	}
	if res.Executed != 1 {
		t.Errorf("executed %d cells after the interrupt", res.Executed)
	}
}

// TestRunCancelledBeforeStart: with ctx already cancelled no cell runs to
// completion; the first reports the interrupt.
func TestRunCancelledBeforeStart(t *testing.T) {
	nb := nbWith(t, 5, [3]string{"code", "", "import \"fmt\"\nfmt.Println(\"ran\")"}, [3]string{"code", "", "1"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, nb, Options{})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Name != dsl.ErrInterrupted || res.Executed != 1 {
		t.Fatalf("error %v, executed %d", err, res.Executed)
	}
	for _, o := range nb.Cells[0].Outputs {
		if o.Type == "stream" {
			t.Errorf("the cell ran: %q", o.Text)
		}
	}
}

// TestRunInputUnavailable: a cell reading stdin fails with a clear message.
func TestRunInputUnavailable(t *testing.T) {
	nb := nbWith(t, 5, [3]string{"code", "", "import \"fmt\"\nvar s string\n_, err := fmt.Scanln(&s)\nif err != nil {\n\tpanic(err)\n}"})
	_, err := Run(context.Background(), nb, Options{})
	if err == nil || !strings.Contains(err.Error(), "headless run has none") {
		t.Fatalf("error %v", err)
	}
}

func TestTerminalLiveThrottled(t *testing.T) {
	var buf bytes.Buffer
	term := newTerminal(&buf, false, true)
	for _, s := range []string{"a", "b", "c"} {
		term.liveText(s)
	}
	term.flushLive()
	term.liveText("d")
	term.flushLive()
	if got := buf.String(); got != "  a\n  c\n  d\n" {
		t.Errorf("got %q", got)
	}
	buf.Reset()
	quiet := newTerminal(&buf, false, false)
	quiet.liveText("x")
	quiet.stream("y")
	quiet.flushLive()
	if buf.Len() != 0 {
		t.Errorf("without --progress/--log-output: %q", buf.String())
	}
}

func TestTerminalTTYRewritesLine(t *testing.T) {
	var buf bytes.Buffer
	term := newTerminal(&buf, true, true)
	term.tty = true
	term.liveText("epoch 1")
	term.liveText("epoch 2")
	term.stream("text")
	term.printf("[1/1] ok")
	want := "\r\x1b[K  epoch 1\r\x1b[K  epoch 2\ntext\n[1/1] ok\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestRunSetsKernelMetadata: the executed notebook names the im2im kernel and its
// language_info, saying so when the notebook named another kernel.
func TestRunSetsKernelMetadata(t *testing.T) {
	nb, err := Parse([]byte(`{"nbformat": 4, "nbformat_minor": 4, "cells": [],
	  "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}, "language_info": {"name": "python"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var term bytes.Buffer
	spec := map[string]any{"name": "im2im", "display_name": "im2im (Go)", "language": "go"}
	info := map[string]any{"name": "go", "file_extension": ".go"}
	if _, err := Run(context.Background(), nb, Options{Terminal: &term, KernelSpec: spec, LanguageInfo: info}); err != nil {
		t.Fatal(err)
	}
	var gotSpec, gotInfo map[string]any
	json.Unmarshal(nb.Metadata["kernelspec"], &gotSpec)
	json.Unmarshal(nb.Metadata["language_info"], &gotInfo)
	if !reflect.DeepEqual(gotSpec, spec) || !reflect.DeepEqual(gotInfo, info) {
		t.Errorf("kernelspec %v, language_info %v", gotSpec, gotInfo)
	}
	if !strings.Contains(term.String(), `note: the notebook's kernel is "python3"; running it with im2im`) {
		t.Errorf("terminal: %q", term.String())
	}
}

// TestRunSaysWhichCellIsSlow: a cell running longer than slowCell gets a
// "running" line before its result line.
func TestRunSaysWhichCellIsSlow(t *testing.T) {
	defer func(d time.Duration) { slowCell = d }(slowCell)
	slowCell = 50 * time.Millisecond
	nb := nbWith(t, 5, [3]string{"code", "", "import \"time\"\ntime.Sleep(300 * time.Millisecond)"}, [3]string{"code", "", "2"})
	var term bytes.Buffer
	if _, err := Run(context.Background(), nb, Options{Terminal: &term}); err != nil {
		t.Fatal(err)
	}
	checkTerminal(t, term.String(), []string{`^\[1/2\] In \[1\] running …  import "time"\n\[1/2\] In \[1\] ok `, `\[2/2\] In \[2\] ok +\S+  2\n$`})
}

// TestRunEveryErrorKind: syntax errors, panics (with their stack), a failing shell
// command; with AllowErrors the run goes on and records each.
func TestRunEveryErrorKind(t *testing.T) {
	nb, err := Read("testdata/errors.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), nb, Options{AllowErrors: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range res.Failures {
		names = append(names, fmt.Sprintf("%d:%s", f.Cell, f.Name))
	}
	if got := strings.Join(names, " "); got != "2:CompileError 3:Panic 4:Panic 5:ShellError" {
		t.Errorf("failures %s", got)
	}
	panicOut := nb.Cells[2].Outputs[0]
	if panicOut.EValue != "assignment to entry in nil map" || !slices.Contains(panicOut.Traceback, "  at line 2:2 in put") {
		t.Errorf("panic output %+v", panicOut)
	}
	last := nb.Cells[5]
	if last.ExecutionCount != 5 || len(last.Outputs) != 2 || last.Outputs[1].Data["text/plain"] != "42" {
		t.Errorf("last cell %d %+v", last.ExecutionCount, last.Outputs)
	}
}

// TestRunAutosavesLongCells: while a long cell runs, the notebook is saved with
// its output so far.
func TestRunAutosavesLongCells(t *testing.T) {
	defer func(d time.Duration) { autosaveEvery = d }(autosaveEvery)
	autosaveEvery = 40 * time.Millisecond
	nb := nbWith(t, 5, [3]string{"code", "", "import (\n\t\"fmt\"\n\t\"time\"\n)\nfmt.Println(\"half way\")\ntime.Sleep(400 * time.Millisecond)"})
	var mid int
	_, err := Run(context.Background(), nb, Options{Save: func(b []byte) error {
		if strings.Contains(string(b), "half way") && !strings.Contains(string(b), `"execution"`) {
			mid++ // saved while the cell was running, with its output so far
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if mid == 0 {
		t.Error("no save while the cell ran")
	}
}

func TestBundleText(t *testing.T) {
	for _, tc := range []struct {
		mime    map[string]any
		oneLine bool
		want    string
	}{
		{map[string]any{"text/plain": "a\n\n  b  \n"}, true, "a | b"},
		{map[string]any{"text/plain": "a\nb\n"}, false, "a\nb"},
		{map[string]any{"text/html": "<b>epoch</b> 3/10<br>loss &lt; 0.5", "text/plain": "<b>epoch</b> 3/10<br>loss &lt; 0.5"}, true, "epoch 3/10 | loss < 0.5"},
		{map[string]any{"text/html": "<b>x</b>", "text/plain": "x summary"}, true, "x summary"},
		{map[string]any{"image/png": "...", "image/svg+xml": "..."}, true, "[display: image/png, image/svg+xml]"},
		{map[string]any{"text/plain": strings.Repeat("x", 200)}, true, strings.Repeat("x", 159) + "…"},
	} {
		if got := bundleText(tc.mime, tc.oneLine); got != tc.want {
			t.Errorf("bundleText(%v) = %q, want %q", tc.mime, got, tc.want)
		}
	}
}
