package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/dsl"
	"github.com/im2im/im2im/kernel"
	"github.com/im2im/im2im/kernel/notebook"
	"github.com/im2im/im2im/kernel/supervise"
)

// runFlags are the options of `im2im run`.
type runFlags struct {
	output      string
	params      []string
	paramFiles  []string
	cwd         string
	timeout     string
	grace       time.Duration
	allowErrors bool
	progress    bool
	logOutput   bool
}

// newRunCmd builds the `run` command (a fresh one per call, so tests do not share
// flag values).
func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:                   "run NOTEBOOK.ipynb [-o OUT.ipynb] [-p name=value ...] [-f params.yaml] [--cwd DIR] [--timeout PER_CELL] [--allow-errors] [--progress] [--log-output]",
		Short:                 "Execute a notebook headless (no Jupyter needed) with parameters, writing an executed copy",
		DisableFlagsInUseLine: true,
		Long: `run executes the code cells of an nbformat 4 notebook in order, in one im2im session (the
interpreter the Jupyter kernel uses), and writes the notebook with all outputs to OUT.ipynb
(default NOTEBOOK.out.ipynb), saved after every cell.

Parameters follow papermill's conventions: the cell tagged "parameters" holds the defaults
(epochs := 3, var lr float32 = 1e-3, sizes := []int{64, 64}); values given with -p name=value
(read as YAML: -p sizes=[32,32] or -p sizes=32,32) or a YAML file (-f) are converted to the
defaults' types and written as assignments into a cell tagged "injected-parameters" after it.
Without a parameters cell that cell goes first and declares each value with the type it
reads as (integer → int, number → float64, true/false → bool, text → string, lists → slices).

Cells run in the notebook's directory unless --cwd is given. A progress line per cell goes
to stderr; --progress (the default when stderr is a terminal; --progress=false turns it off)
also shows live displays (training panels) as text progress, and --log-output echoes the
cells' output there.

Exit codes: 0 success (also with failing cells under --allow-errors); 1 a cell failed, timed
out or was interrupted (the error is in the output notebook); 2 bad input (not a notebook,
wrong nbformat, invalid JSON, unknown or ill-typed parameters) — nothing is written then.

The cells run in a child process: when it dies of a crash Go cannot recover from (an
allocation larger than memory, the system's out-of-memory killer, a fatal error in
compiled code), the output notebook gets the cause as the failing cell's error
(KernelCrashed), earlier cells keep their outputs, and run exits 1.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return badf("run: want one notebook, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runNotebook(cmd, args[0], &f) },
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "", "executed notebook to write (default NOTEBOOK.out.ipynb)")
	fl.StringArrayVarP(&f.params, "parameter", "p", nil, "parameter name=value (repeatable; overrides -f)")
	fl.StringArrayVarP(&f.paramFiles, "parameters-file", "f", nil, "YAML file of parameters name: value (repeatable)")
	fl.StringVar(&f.cwd, "cwd", "", "working directory of the cells (default: the notebook's directory)")
	fl.StringVar(&f.timeout, "timeout", "", "time limit per cell, a duration (90s, 10m) or seconds; 0 or empty: none")
	fl.DurationVar(&f.grace, "grace", notebook.DefaultGrace, "after a timeout, how long a compiled call may take to stop before the run gives up on it")
	fl.BoolVar(&f.allowErrors, "allow-errors", false, "keep running after a failing cell (exit code 0)")
	fl.BoolVar(&f.progress, "progress", false, "show live displays (training progress) as text on stderr (default: on when stderr is a terminal)")
	fl.BoolVar(&f.logOutput, "log-output", false, "echo the cells' output to stderr")
	return cmd
}

// runNotebook implements `im2im run`.
func runNotebook(cmd *cobra.Command, in string, f *runFlags) error {
	inAbs, err := filepath.Abs(in)
	if err != nil {
		return badf("run: %v", err)
	}
	b, err := os.ReadFile(inAbs)
	if err != nil {
		return badf("run: %v", err)
	}
	nb, err := notebook.Parse(b)
	if err != nil {
		return badf("%s: %v", in, err)
	}
	var params []notebook.Param
	for _, pf := range f.paramFiles {
		yb, err := os.ReadFile(pf)
		if err != nil {
			return badf("run: parameters file: %v", err)
		}
		ps, err := notebook.ParseYAML(yb, pf)
		if err != nil {
			return badf("run: parameters file %v", err)
		}
		params = append(params, ps...)
	}
	for _, a := range f.params {
		p, err := notebook.ParseArg(a)
		if err != nil {
			return badf("run: %v", err)
		}
		params = append(params, p)
	}
	literals, err := notebook.Inject(nb, params)
	if err != nil {
		return badf("%s: %v", in, err)
	}
	timeout, err := parseTimeout(f.timeout)
	if err != nil {
		return badf("run: --timeout: %v", err)
	}
	out := f.output
	if out == "" {
		out = strings.TrimSuffix(inAbs, ".ipynb") + ".out.ipynb"
	}
	outAbs, err := filepath.Abs(out)
	if err != nil {
		return badf("run: -o: %v", err)
	}
	if st, err := os.Stat(filepath.Dir(outAbs)); err != nil || !st.IsDir() {
		return badf("run: -o %s: directory %s does not exist", out, filepath.Dir(outAbs))
	}
	if superviseChildren {
		return superviseRun(cmd, in, outAbs, nb)
	}
	cwd := f.cwd
	if cwd == "" {
		cwd = filepath.Dir(inAbs)
	}
	prev, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if err := os.Chdir(cwd); err != nil {
		return badf("run: --cwd: %v", err)
	}
	defer os.Chdir(prev)

	term := terminalWriter(cmd)
	if !cmd.Flags().Changed("progress") {
		f.progress = notebook.IsTerminal(term) // a compact progress line by default on a terminal
	}
	serveGonbOnce(term)
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	res, err := notebook.Run(ctx, nb, notebook.Options{
		Timeout:      timeout,
		Grace:        f.grace,
		AllowErrors:  f.allowErrors,
		Save:         func(b []byte) error { return notebook.WriteAtomic(outAbs, b) },
		Terminal:     term,
		LogOutput:    f.logOutput,
		Progress:     f.progress,
		KernelSpec:   kernelSpecMetadata(),
		LanguageInfo: kernel.LanguageInfo(),
		Parameters:   literals,
		Version:      buildVersion(),
		OnCell: func(cell, count int) {
			reporter.Send(supervise.Event{Kind: supervise.KindCell, Cell: cell, Count: count})
		},
	})
	var ce *notebook.CellError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(term, "im2im run: %s failed after %s in %s; wrote %s\n", in, plural(res.Executed, "cell"),
			res.Duration.Round(time.Millisecond), out)
		err = fmt.Errorf("%s: %w", in, err)
		if ce.Stuck && term != cmd.ErrOrStderr() {
			// The stuck cell still holds file descriptor 2 (its output is
			// captured until it returns), so main's error line would be lost.
			fmt.Fprintln(term, "im2im:", err)
		}
		return failed(err)
	case err != nil:
		return failed(fmt.Errorf("run %s: %w", in, err))
	}
	failures := ""
	if n := len(res.Failures); n > 0 {
		failures = fmt.Sprintf(", %d failed (--allow-errors)", n)
	}
	fmt.Fprintf(term, "im2im run: %s: %s ran in %s%s; wrote %s\n", in, plural(res.Executed, "cell"),
		res.Duration.Round(time.Millisecond), failures, out)
	if r := lastResult(nb); r != "" {
		fmt.Fprintf(term, "im2im run: result: %s\n", r)
	}
	return nil
}

// lastResult is the last line the last code cell printed (a tutorial's check
// cell says "ok: mean test Dice …"), or "" when it printed nothing.
func lastResult(nb *notebook.Notebook) string {
	for i := len(nb.Cells) - 1; i >= 0; i-- {
		c := nb.Cells[i]
		if c.Type != "code" || strings.TrimSpace(c.Source) == "" {
			continue
		}
		for j := len(c.Outputs) - 1; j >= 0; j-- {
			o := c.Outputs[j]
			if o.Type == "stream" && o.Name == "stdout" {
				lines := strings.Split(strings.TrimRight(o.Text, "\n"), "\n")
				return strings.TrimSpace(lines[len(lines)-1])
			}
		}
		return ""
	}
	return ""
}

// plural writes "1 cell", "2 cells".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// parseTimeout reads --timeout: a Go duration or a number of seconds.
func parseTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		if secs < 0 {
			return 0, fmt.Errorf("%q is negative", s)
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is neither a duration (90s, 10m) nor a number of seconds", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", s)
	}
	return d, nil
}

var gonbOnce sync.Once

// terminalWriter is where progress goes: the command's error writer, or when that
// is the process's stderr, its start-up duplicate, which keeps reaching the
// terminal while cells redirect file descriptor 2 into their output.
func terminalWriter(cmd *cobra.Command) io.Writer {
	w := cmd.ErrOrStderr()
	if w != os.Stderr {
		return w
	}
	return dsl.RealStderr()
}

// serveGonbOnce serves GoNB's display pipes (GoMLX plots) into the running cell,
// as the kernel does.
func serveGonbOnce(term io.Writer) {
	gonbOnce.Do(func() {
		if dir := kernel.ServeGonbPipe(log.New(term, "im2im run: ", 0)); dir != "" {
			atExit = append(atExit, func() { os.RemoveAll(dir) })
		}
	})
}

// kernelSpecMetadata is the notebook's metadata.kernelspec: the im2im kernel, so
// Jupyter re-executes the notebook with it.
func kernelSpecMetadata() map[string]any {
	spec := kernel.NewKernelSpec("")
	return map[string]any{"name": kernel.SpecName, "display_name": spec.DisplayName, "language": spec.Language}
}
