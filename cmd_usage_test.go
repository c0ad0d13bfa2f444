package main

import (
	"bytes"
	"strings"
	"testing"
)

// usageCases are command lines with the exit code the README promises (2 for a
// usage error) and text stderr must contain.
var usageCases = []struct {
	args []string
	code int
	want []string
}{
	{[]string{"foo"}, 2, []string{`unknown command "foo" for "im2im"`}},
	{[]string{"versoin"}, 2, []string{`unknown command "versoin" for "im2im"`, `did you mean "version"?`}},
	{[]string{"image", "info"}, 2, []string{"im2im image info: want 1 argument, got 0", "usage: im2im image info FILE"}},
	{[]string{"image", "info", "a.tif", "b.tif"}, 2, []string{"want 1 argument, got 2"}},
	{[]string{"image", "convert", "a.tif"}, 2, []string{"want 2 arguments, got 1"}},
	{[]string{"image", "bogus"}, 2, []string{`unknown command "bogus" for "im2im image"`}},
	{[]string{"image", "inf"}, 2, []string{`unknown command "inf" for "im2im image"`, `did you mean "info"?`}},
	{[]string{"data", "bogus"}, 2, []string{`unknown command "bogus" for "im2im data"`}},
	{[]string{"bench", "bogus"}, 2, []string{`unknown command "bogus" for "im2im bench"`}},
	{[]string{"data", "info"}, 2, []string{"im2im data info: want 1 argument, got 0"}},
	{[]string{"version", "extra"}, 2, []string{`im2im version: unexpected argument "extra"`}},
	{[]string{"run"}, 2, []string{"run: want one notebook, got 0 arguments"}},
	{[]string{"version", "--bogus"}, 2, []string{"unknown flag: --bogus"}},
	{[]string{"--bogus"}, 2, []string{"unknown flag: --bogus"}},
	{[]string{"kernel"}, 2, []string{"kernel: --connection-file is required"}},
	{[]string{"export", "--run", "x"}, 2, []string{"export: --out MODEL.onnx (or MODEL.zip, a bioimage.io package) is required"}},
	{[]string{"version"}, 0, nil},
	{[]string{"image"}, 0, nil},
	{[]string{}, 0, nil},
	{[]string{"help", "image"}, 0, nil},
}

// TestUsageExitCodes runs im2im (this test binary as the command) on each usage
// case: the process's exit code and the error line main prints.
func TestUsageExitCodes(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go") // version: no plugin search
	for _, tc := range usageCases {
		t.Run(strings.Join(tc.args, "_"), func(t *testing.T) {
			stderr, code := runProcess(t, tc.args...)
			if code != tc.code {
				t.Fatalf("im2im %s: exit %d, want %d\n%s", strings.Join(tc.args, " "), code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("im2im %s: stderr lacks %q:\n%s", strings.Join(tc.args, " "), w, stderr)
				}
			}
		})
	}
}

// TestUsageExitCodesInProcess runs the same cases on a fresh root command: the
// exit code main would use.
func TestUsageExitCodesInProcess(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	for _, tc := range usageCases {
		var out bytes.Buffer
		root := newRootCmd()
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(tc.args)
		err := root.Execute()
		if got := exitCode(err); got != tc.code {
			t.Errorf("im2im %s: exit code %d, want %d (error %v)", strings.Join(tc.args, " "), got, tc.code, err)
		}
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("im2im %s: error %v lacks %q", strings.Join(tc.args, " "), err, w)
			}
		}
	}
}

// TestRootHasEveryCommand: newRootCmd adds every command of the README's list.
func TestRootHasEveryCommand(t *testing.T) {
	root := newRootCmd()
	for _, name := range []string{"kernel", "install", "run", "train", "predict", "evaluate", "data", "image", "bench", "version"} {
		c, _, err := root.Find([]string{name})
		if err != nil || c == root || c.Name() != name {
			t.Errorf("im2im %s: not a subcommand (%v)", name, err)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{badf("x %d", 1), 2},
		{badInput(nil), 0},
		{failed(badf("inner")), 1},
		{badInput(failed(nil)), 0},
		{errString("plain"), 1},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	if err := badf("a %w", errString("b")); err.Error() != "a b" {
		t.Errorf("badf text %q", err)
	}
}

// errString is an error with no exit code.
type errString string

func (e errString) Error() string { return string(e) }
