package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/im2im/im2im/kernel"
	"github.com/im2im/im2im/kernel/notebook"
)

// TestMain lets tests run this test binary as the im2im command
// (IM2IM_TEST_MAIN=1): for real exit codes, and as the kernel Jupyter starts.
func TestMain(m *testing.M) {
	if os.Getenv("IM2IM_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const nbTestdata = "kernel/notebook/testdata"

// copyTestdata copies testdata notebooks (and params.yaml) into a temporary
// directory and returns it.
func copyTestdata(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(nbTestdata, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runIn executes a fresh `run` command in-process; it returns what it wrote to
// stderr and the exit code main would use.
func runIn(t *testing.T, args ...string) (string, int, error) {
	t.Helper()
	cmd := newRunCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	code := 0
	if err != nil {
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
	}
	return out.String(), code, err
}

// cellOutputs decodes an executed notebook's code cells: their outputs as JSON
// values and execution counts.
func cellOutputs(t *testing.T, path string) (outs [][]any, counts []any, meta map[string]any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType       string `json:"cell_type"`
			Outputs        []any  `json:"outputs"`
			ExecutionCount any    `json:"execution_count"`
		} `json:"cells"`
		Metadata map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatal(err)
	}
	for _, c := range nb.Cells {
		if c.CellType == "code" {
			outs = append(outs, c.Outputs)
			counts = append(counts, c.ExecutionCount)
		}
	}
	return outs, counts, nb.Metadata
}

func TestRunCommand(t *testing.T) {
	for _, tc := range []struct {
		name      string
		nb        string
		args      []string // after the notebook path; "{dir}" is the temporary directory
		code      int
		errHas    []string // in the returned error
		stderrHas []string
		outHas    []string // in the written notebook
	}{
		{name: "success with parameters", nb: "params.ipynb", args: []string{"-p", "epochs=5", "-p", "sizes=8,8"},
			stderrHas: []string{"[1/4] In [1] ok", "[4/4] In [4] ok", "params.ipynb: 4 cells ran in", "wrote {dir}/params.out.ipynb"},
			outHas:    []string{`"epochs=5 lr=0.001 name=nuclei sizes=[8 8] verbose=false scale=0.5\n"`, `"40"`, `"injected-parameters"`}},
		{name: "parameters file, -p wins", nb: "params.ipynb", args: []string{"-f", "{dir}/params.yaml", "-p", "name=cli", "-o", "{dir}/o.ipynb"},
			outHas: []string{`epochs=4 lr=0.001 name=cli sizes=[16 8] verbose=true scale=0.25`}},
		{name: "failing cell", nb: "fail.ipynb", code: 1,
			errHas:    []string{"fail.ipynb: cell 3 (In [2]), line 3:10: CompileError: undefined: undefinedName"},
			stderrHas: []string{"[2/3] In [2] FAILED", "   3 | z := y * undefinedName", "fail.ipynb failed after 2 cells"},
			outHas:    []string{`"ename": "CompileError"`, `"before the failure\n"`}},
		{name: "allow errors", nb: "fail.ipynb", args: []string{"--allow-errors"},
			stderrHas: []string{"3 cells ran in", "1 failed (--allow-errors)"},
			outHas:    []string{`"ename": "CompileError"`, `"after the failure\n"`}},
		{name: "timeout", nb: "timeout.ipynb", args: []string{"--timeout", "0.3"}, code: 1,
			errHas: []string{"cell 2 (In [2]): CellTimeoutError: the cell did not finish within 300ms"},
			outHas: []string{`"spinning\n"`, `"ename": "CellTimeoutError"`}},
		{name: "log output and progress", nb: "displays.ipynb", args: []string{"--log-output", "--progress"},
			stderrHas: []string{"one\ntwo\n", "a warning\non stderr\n", "  epoch 1/3\n", "  training **done**\n"}},
		{name: "unknown parameter", nb: "params.ipynb", args: []string{"-p", "epoch=5"}, code: 2,
			errHas: []string{`params.ipynb: unknown parameter "epoch" (-p epoch=5); the parameters cell (cell 2) declares: epochs, lr, name, sizes, verbose, scale`}},
		{name: "ill-typed parameter", nb: "params.ipynb", args: []string{"-p", "verbose=maybe"}, code: 2,
			errHas: []string{`parameter "verbose" (-p verbose=maybe): want a bool (true or false), got "maybe"`}},
		{name: "bad -p", nb: "params.ipynb", args: []string{"-p", "epochs"}, code: 2,
			errHas: []string{`parameter "epochs": want name=value`}},
		{name: "missing params file", nb: "params.ipynb", args: []string{"-f", "{dir}/nope.yaml"}, code: 2,
			errHas: []string{"parameters file", "nope.yaml"}},
		{name: "bad timeout", nb: "params.ipynb", args: []string{"--timeout", "soon"}, code: 2,
			errHas: []string{`--timeout: "soon" is neither a duration`}},
		{name: "missing cwd", nb: "params.ipynb", args: []string{"--cwd", "{dir}/nope"}, code: 2, errHas: []string{"--cwd"}},
		{name: "missing output dir", nb: "params.ipynb", args: []string{"-o", "{dir}/nope/x.ipynb"}, code: 2,
			errHas: []string{"directory {dir}/nope does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyTestdata(t, tc.nb, "params.yaml")
			fill := func(s string) string { return strings.ReplaceAll(s, "{dir}", dir) }
			args := []string{filepath.Join(dir, tc.nb)}
			out := filepath.Join(dir, strings.TrimSuffix(tc.nb, ".ipynb")+".out.ipynb")
			for i, a := range tc.args {
				args = append(args, fill(a))
				if a == "-o" {
					out = fill(tc.args[i+1])
				}
			}
			stderr, code, err := runIn(t, args...)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d (error %v)\n%s", code, tc.code, err, stderr)
			}
			for _, w := range tc.errHas {
				if err == nil || !strings.Contains(err.Error(), fill(w)) {
					t.Errorf("error %v lacks %q", err, fill(w))
				}
			}
			for _, w := range tc.stderrHas {
				if !strings.Contains(stderr, fill(w)) {
					t.Errorf("stderr lacks %q:\n%s", fill(w), stderr)
				}
			}
			_, statErr := os.Stat(out)
			if tc.code == 2 {
				if statErr == nil {
					t.Errorf("bad input, but %s was written", out)
				}
				return
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.outHas {
				if !strings.Contains(string(b), w) {
					t.Errorf("output notebook lacks %s", w)
				}
			}
			if _, err := notebook.Parse(b); err != nil {
				t.Errorf("output notebook does not parse: %v", err)
			}
		})
	}
}

// TestRunBadNotebooks: bad input exits 2 with one error naming the file, and the
// input is never written over, even with -o pointing at it.
func TestRunBadNotebooks(t *testing.T) {
	for _, tc := range []struct {
		name, content, want string
	}{
		{"invalid JSON", "{\"cells\": [\n  {\"cell_type\": \"code\",,}\n]}", "not a notebook: invalid JSON at line 2, column 24"},
		{"nbformat 3", `{"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}`, "nbformat 3 is not supported, want 4"},
		{"not a notebook", `{"name": "package.json", "version": "1.0"}`, `not a Jupyter notebook: no "nbformat" key`},
		{"not JSON at all", "\x89PNG\r\n\x1a\n", "not a notebook: invalid JSON at line 1, column 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "nb.ipynb")
			os.WriteFile(in, []byte(tc.content), 0o644)
			_, code, err := runIn(t, in, "-o", in)
			if code != 2 || err == nil || !strings.Contains(err.Error(), in+": "+tc.want) {
				t.Fatalf("exit %d, error %v; want 2 and %q", code, err, tc.want)
			}
			if b, _ := os.ReadFile(in); string(b) != tc.content {
				t.Error("the input was written over")
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("files written: %v", entries)
			}
		})
	}
	if _, code, err := runIn(t, filepath.Join(t.TempDir(), "missing.ipynb")); code != 2 || !strings.Contains(err.Error(), "missing.ipynb") {
		t.Errorf("missing file: exit %d, %v", code, err)
	}
	if _, code, _ := runIn(t, "a.ipynb", "b.ipynb"); code != 2 {
		t.Errorf("two notebooks: exit %d, want 2", code)
	}
}

// TestRunWorkingDirectory: cells run in the notebook's directory, or --cwd; the
// process's directory is restored afterwards.
func TestRunWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	src := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "a", "metadata": {},
	  "outputs": [], "execution_count": null, "source": "import \"os\"\nwd, _ := os.Getwd()\nwd"}]}`
	in := filepath.Join(dir, "wd.ipynb")
	os.WriteFile(in, []byte(src), 0o644)
	before, _ := os.Getwd()
	for _, tc := range []struct {
		args []string
		want string
	}{{nil, dir}, {[]string{"--cwd", other}, other}} {
		if stderr, code, err := runIn(t, append([]string{in}, tc.args...)...); code != 0 {
			t.Fatalf("exit %d: %v\n%s", code, err, stderr)
		}
		outs, _, _ := cellOutputs(t, filepath.Join(dir, "wd.out.ipynb"))
		got := outs[0][0].(map[string]any)["data"].(map[string]any)["text/plain"].([]any)[0]
		if got != `"`+tc.want+`"` {
			t.Errorf("cells ran in %v, want %s", got, tc.want)
		}
	}
	if after, _ := os.Getwd(); after != before {
		t.Errorf("working directory changed to %s", after)
	}
}

// runProcess runs this test binary as `im2im ARGS...` and returns its stderr and
// exit code.
func runProcess(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "IM2IM_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return stderr.String(), 0
	case errors.As(err, &ee):
		return stderr.String(), ee.ExitCode()
	}
	t.Fatal(err)
	return "", -1
}

// TestRunProcessExitCodes runs `im2im run` as a process: exit codes 0, 1 and 2
// and the error line main prints.
func TestRunProcessExitCodes(t *testing.T) {
	dir := copyTestdata(t, "params.ipynb", "fail.ipynb")
	bad := filepath.Join(dir, "bad.ipynb")
	os.WriteFile(bad, []byte(`{"nbformat": 5, "cells": []}`), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", filepath.Join(dir, "params.ipynb")}, 0, "3 cells ran"},
		{[]string{"run", filepath.Join(dir, "fail.ipynb")}, 1, "im2im: " + filepath.Join(dir, "fail.ipynb") + ": cell 3 (In [2]), line 3:10"},
		{[]string{"run", bad}, 2, "im2im: " + bad + ": nbformat 5 is not supported"},
		{[]string{"run", filepath.Join(dir, "params.ipynb"), "-p", "x=1"}, 2, `im2im: ` + filepath.Join(dir, "params.ipynb") + `: unknown parameter "x"`},
		{[]string{"run", filepath.Join(dir, "params.ipynb"), "--bogus"}, 2, "im2im: im2im run: unknown flag: --bogus (see im2im run --help)"},
		{[]string{"data", "synth", "--nope"}, 2, "unknown flag: --nope"},
	} {
		stderr, code := runProcess(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("im2im %s: exit %d, want %d; stderr lacks %q?\n%s", strings.Join(tc.args, " "), code, tc.code, tc.want, stderr)
		}
	}
}

// TestRunGoroutinePanicProcess: a panic in a goroutine a cell started kills the process
// (Go cannot recover it), but its trace still reaches the real stderr although fd 2 is
// redirected into the notebook while the cell runs.
func TestRunGoroutinePanicProcess(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "crash.ipynb")
	os.WriteFile(in, []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "c",
	  "metadata": {}, "outputs": [], "execution_count": null,
	  "source": "import \"time\"\ngo func() { var m map[string]int; m[\"a\"] = 1 }()\ntime.Sleep(5 * time.Second)"}]}`), 0o644)
	stderr, code := runProcess(t, "run", in)
	if code == 0 || !strings.Contains(stderr, "assignment to entry in nil map") {
		t.Fatalf("exit %d; stderr lacks the crash trace:\n%s", code, stderr)
	}
}

// TestRunStuckCellProcess: a cell stuck in a compiled call that ignores the
// timeout's interrupt ends the process with exit code 1 after the grace period,
// leaving the notebook with the timeout error.
func TestRunStuckCellProcess(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "stuck.ipynb")
	os.WriteFile(in, []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "s",
	  "metadata": {}, "outputs": [], "execution_count": null, "source": "import \"time\"\ntime.Sleep(60 * time.Second)"}]}`), 0o644)
	start := time.Now()
	stderr, code := runProcess(t, "run", in, "--timeout", "200ms", "--grace", "300ms")
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("took %s", took)
	}
	if code != 1 || !strings.Contains(stderr, "im2im: "+in+": cell 1 (In [1]): CellTimeoutError") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	outs, _, _ := cellOutputs(t, filepath.Join(dir, "stuck.out.ipynb"))
	if len(outs[0]) != 1 || !strings.Contains(outs[0][0].(map[string]any)["evalue"].(string), "did not stop within 300ms") {
		t.Errorf("outputs %v", outs[0])
	}
}

// TestRunSIGINTProcess: Ctrl-C interrupts the running cell, the notebook is
// saved with the interrupt, and the process exits 1.
func TestRunSIGINTProcess(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "spin.ipynb")
	os.WriteFile(in, []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "s",
	  "metadata": {}, "outputs": [], "execution_count": null, "source": "import \"fmt\"\nfmt.Println(\"spinning\")\nfor {\n}"},
	  {"cell_type": "code", "id": "t", "metadata": {}, "outputs": [], "execution_count": null, "source": "1"}]}`), 0o644)
	cmd := exec.Command(os.Args[0], "run", in)
	cmd.Env = append(os.Environ(), "IM2IM_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "spin.out.ipynb")
	// Wait until the first cell is running (its output is not saved yet, but the
	// initial save is), then interrupt.
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(out); err == nil {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1\n%s", err, stderr.String())
	}
	outs, counts, _ := cellOutputs(t, out)
	if n := len(outs[0]); n == 0 || outs[0][n-1].(map[string]any)["ename"] != "Interrupted" || counts[1] != nil {
		t.Errorf("outputs %v, counts %v", outs, counts)
	}
}

// TestRunNbconvertReexecutes: a notebook written by `im2im run` re-executes
// unchanged under the im2im kernel with `jupyter nbconvert --execute` (Debian's
// jupyter-nbconvert), giving the same outputs and the language_info the kernel
// reports. Skipped with -short or without /usr/bin/python3's nbconvert.
func TestRunNbconvertReexecutes(t *testing.T) {
	const python = "/usr/bin/python3"
	if testing.Short() {
		t.Skip("nbconvert round trip skipped with -short")
	}
	if err := exec.Command(python, "-c", "import jupyter_client, nbclient, nbconvert").Run(); err != nil {
		t.Skipf("%s lacks nbconvert (apt install python3-jupyter-client python3-nbclient jupyter-nbconvert): %v", python, err)
	}
	dir := copyTestdata(t, "params.ipynb", "displays.ipynb", "errors.ipynb", "fail.ipynb", "timeout.ipynb", "markdown.ipynb")
	// Every notebook im2im run writes, also after a failure, passes nbformat's
	// schema validation.
	validate := []string{"-c", "import sys, nbformat\nfor p in sys.argv[1:]:\n    nbformat.validate(nbformat.read(p, as_version=4))\n    print('valid', p)"}
	for _, n := range []string{"fail", "timeout", "markdown"} {
		runIn(t, filepath.Join(dir, n+".ipynb"), "--timeout", "0.2")
		validate = append(validate, filepath.Join(dir, n+".out.ipynb"))
	}
	prefix := filepath.Join(dir, "prefix")
	// The kernelspec starts this test binary as the kernel (IM2IM_TEST_MAIN is
	// inherited through nbconvert).
	if _, err := kernel.Install(filepath.Join(prefix, "share", "jupyter", "kernels"), os.Args[0]); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "IM2IM_TEST_MAIN=1",
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"JUPYTER_DATA_DIR="+filepath.Join(dir, "data"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"),
		"JUPYTER_PLATFORM_DIRS=1",
		"IPYTHONDIR="+filepath.Join(dir, "ipython"))
	for _, tc := range []struct {
		nb   string
		args []string
	}{
		{"params.ipynb", []string{"-p", "epochs=5", "-p", "name=re-run"}},
		{"displays.ipynb", nil},
		// Errors look as the kernel reports them (ename, evalue, traceback).
		{"errors.ipynb", []string{"--allow-errors"}},
	} {
		ours := filepath.Join(dir, strings.TrimSuffix(tc.nb, ".ipynb")+".out.ipynb")
		if stderr, code, err := runIn(t, append([]string{filepath.Join(dir, tc.nb)}, tc.args...)...); code != 0 {
			t.Fatalf("im2im run %s: %v\n%s", tc.nb, err, stderr)
		}
		cmd := exec.Command(python, "-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=60",
			"--allow-errors", "--output-dir", filepath.Join(dir, "nbc"), "--output", tc.nb, ours)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("nbconvert %s: %v\n%s", tc.nb, err, out)
		}
		validate = append(validate, ours)
		wantOuts, wantCounts, wantMeta := cellOutputs(t, ours)
		gotOuts, gotCounts, gotMeta := cellOutputs(t, filepath.Join(dir, "nbc", tc.nb))
		if !reflect.DeepEqual(gotCounts, wantCounts) {
			t.Errorf("%s: execution counts %v, im2im run wrote %v", tc.nb, gotCounts, wantCounts)
		}
		for i := range wantOuts {
			for _, o := range gotOuts[i] {
				// nbconvert leaves backspaces in stored streams; front-ends apply
				// them as im2im run does.
				if m := o.(map[string]any); m["output_type"] == "stream" {
					m["text"] = splitJoined(m["text"])
				}
			}
			if !reflect.DeepEqual(gotOuts[i], wantOuts[i]) {
				t.Errorf("%s code cell %d: nbconvert stored\n%v\nim2im run wrote\n%v", tc.nb, i+1, gotOuts[i], wantOuts[i])
			}
		}
		if !reflect.DeepEqual(gotMeta["language_info"], wantMeta["language_info"]) {
			t.Errorf("language_info from the kernel %v, im2im run wrote %v", gotMeta["language_info"], wantMeta["language_info"])
		}
		if !reflect.DeepEqual(gotMeta["kernelspec"], wantMeta["kernelspec"]) {
			t.Errorf("kernelspec %v, im2im run wrote %v", gotMeta["kernelspec"], wantMeta["kernelspec"])
		}
	}
	out, err := exec.Command(python, validate...).CombinedOutput()
	if err != nil || strings.Count(string(out), "valid ") != len(validate)-2 {
		t.Errorf("nbformat.validate: %v\n%s", err, out)
	}
}

// splitJoined applies backspaces and carriage returns to a stored stream text
// (a line list) and splits it again.
func splitJoined(v any) []any {
	var s strings.Builder
	for _, p := range v.([]any) {
		s.WriteString(p.(string))
	}
	text := s.String()
	for strings.Contains(text, "\b") {
		i := strings.Index(text, "\b")
		if i > 0 && text[i-1] != '\n' {
			text = text[:i-1] + text[i+1:]
		} else {
			text = text[:i] + text[i+1:]
		}
	}
	var out []any
	for _, l := range strings.SplitAfter(text, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
