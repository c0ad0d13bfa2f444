package dsl

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// HelpText is what %help prints.
const HelpText = `im2im cells are Go, interpreted (yaegi); state persists across cells.
Declarations (import, type, func, var, const) and statements may be mixed in any order.
The value of a final expression is shown. Packages "im2im" and "display" are pre-imported;
a Go standard package, "plot", "display" or "im2im" used without an import is imported for you.
A type, function or method declared again replaces the earlier one for the code that follows.

Magics (a line starting with % or ! in column 0):
  %help            this text
  %help NAME       doc of a symbol or variable (im2im.UNet: fields, docs, defaults)
  %reset           forget all variables, types, functions and imports
  %env K=V         set an environment variable (%env K prints it, %env lists all)
  %cd DIR          change the working directory (%cd prints it)
  %time            time the whole cell
  %who             list the variables, functions and types defined by cells
  !COMMAND         run COMMAND with /bin/sh; a non-zero exit fails the cell
  %%writefile F    (first line) write the rest of the cell to file F

Interrupting a cell stops interpreted code at once; long compiled calls (training)
stop when display.Context() is cancelled, and the next cell waits for them.
A panic in the cell becomes its error; a panic in a goroutine the cell started cannot
be recovered in Go and ends the kernel (its trace goes to the kernel's log).`

// lineMagic runs one %magic or !command line.
func (s *Session) lineMagic(ctx context.Context, line string, lineNo int) error {
	fail := func(name, format string, a ...any) error {
		return &Error{Name: name, Line: lineNo, Col: 1, Msg: fmt.Sprintf(format, a...)}
	}
	if cmd, ok := strings.CutPrefix(line, "!"); ok {
		cmd = strings.TrimSpace(cmd)
		if cmd == "" {
			return fail(ErrShell, "empty shell command")
		}
		c := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
		c.Stdout, c.Stderr = s.stdStreams()
		if err := c.Run(); err != nil {
			return fail(ErrShell, "!%s: %v", cmd, err)
		}
		return nil
	}
	name, arg, _ := strings.Cut(strings.TrimPrefix(line, "%"), " ")
	arg = strings.TrimSpace(arg)
	out, _ := s.stdStreams()
	switch name {
	case "help":
		if arg == "" {
			io.WriteString(out, HelpText+"\n")
			break
		}
		// %help NAME: what inspect (shift-tab) shows, e.g. a struct's fields, docs, defaults.
		text, found := s.inspect(arg, utf8.RuneCountInString(arg))
		if !found {
			return fail(ErrMagic, "%%help: %s is not a known package, symbol or variable", arg)
		}
		io.WriteString(out, text+"\n")
	case "reset":
		if err := s.reset(); err != nil {
			return fail(ErrMagic, "%%reset: %v", err)
		}
	case "env":
		if arg == "" {
			env := os.Environ()
			sort.Strings(env)
			fmt.Fprintln(out, strings.Join(env, "\n"))
			return nil
		}
		k, v, hasValue := strings.Cut(arg, "=")
		k = strings.TrimSpace(k)
		if k == "" || strings.ContainsAny(k, " \t") {
			return fail(ErrMagic, "%%env: want K=V, got %q", arg)
		}
		if !hasValue {
			fmt.Fprintf(out, "%s=%s\n", k, os.Getenv(k))
			return nil
		}
		if err := os.Setenv(k, v); err != nil {
			return fail(ErrMagic, "%%env %s: %v", k, err)
		}
	case "cd":
		if arg == "" {
			wd, err := os.Getwd()
			if err != nil {
				return fail(ErrMagic, "%%cd: %v", err)
			}
			fmt.Fprintln(out, wd)
			return nil
		}
		if strings.HasPrefix(arg, "~") {
			if home, err := os.UserHomeDir(); err == nil {
				arg = filepath.Join(home, arg[1:])
			}
		}
		if err := os.Chdir(arg); err != nil {
			return fail(ErrMagic, "%%cd: %v", err)
		}
	case "who":
		fmt.Fprint(out, s.who())
	case "time":
		// A bare %time line is handled by runCell; this is %time with an argument.
		return fail(ErrMagic, "%%time %s: %%time times the whole cell; put it alone on a line", arg)
	default:
		return fail(ErrMagic, "unknown magic %%%s (see %%help)", name)
	}
	return nil
}

// stdStreams returns where magics write: fd 1/2 (captured) or the sink.
func (s *Session) stdStreams() (stdout, stderr io.Writer) {
	if captureSupported {
		return os.Stdout, os.Stderr
	}
	return sinkWriter{s, "stdout"}, sinkWriter{s, "stderr"}
}

// who lists cell-defined variables with their types, then functions and types.
func (s *Session) who() string {
	var b strings.Builder
	g := s.globals()
	names := make([]string, 0, len(g))
	for n := range g {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := "untyped"
		if v := g[n]; v.IsValid() {
			t = v.Type().String()
		}
		fmt.Fprintf(&b, "%s\t%s\n", n, t)
	}
	decl := make([]string, 0, len(s.declared))
	for n, kind := range s.declared {
		if kind == "var" {
			continue // listed above with their types
		}
		decl = append(decl, kind+" "+n)
	}
	sort.Strings(decl)
	for _, d := range decl {
		fmt.Fprintln(&b, d)
	}
	if b.Len() == 0 {
		return "(nothing defined yet)\n"
	}
	return b.String()
}

// cellMagic runs a %%magic that owns the whole cell.
func (s *Session) cellMagic(first, body string) error {
	name, arg, _ := strings.Cut(strings.TrimPrefix(first, "%%"), " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case "writefile":
		if arg == "" {
			return &Error{Name: ErrMagic, Line: 1, Col: 1, Msg: "%%writefile: missing file name"}
		}
		if err := os.WriteFile(arg, []byte(body), 0o644); err != nil {
			return &Error{Name: ErrMagic, Line: 1, Col: 1, Msg: fmt.Sprintf("%%%%writefile: %v", err)}
		}
		out, _ := s.stdStreams()
		fmt.Fprintf(out, "wrote %d bytes to %s\n", len(body), arg)
		return nil
	}
	return &Error{Name: ErrMagic, Line: 1, Col: 1, Msg: fmt.Sprintf("unknown cell magic %%%%%s (see %%help)", name)}
}
