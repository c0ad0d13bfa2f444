package dsl

import (
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"regexp"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// Error names (Error.Name) of the failures Execute reports.
const (
	ErrCompile     = "CompileError"     // the cell does not parse or type-check
	ErrPanic       = "Panic"            // interpreted or compiled code panicked
	ErrInterrupted = "Interrupted"      // the cell's context was cancelled
	ErrRuntime     = "RuntimeError"     // any other failure while running
	ErrMagic       = "MagicError"       // a %magic failed
	ErrShell       = "ShellError"       // a !shell command failed
	ErrInput       = "InputUnavailable" // the cell read stdin and no input is available
)

// Error is a failed cell: Name says what kind (ErrCompile, ErrPanic, ...), Line
// and Col locate it in the cell (1-based; 0 when unknown), Msg says what happened
// and Trace holds extra lines (a Go stack for panics).
type Error struct {
	Name      string
	Line, Col int
	Msg       string
	Trace     []string
}

// Error formats e as "cell:LINE:COL: Msg" (or "Name: Msg" without a position).
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("cell:%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return e.Name + ": " + e.Msg
}

var posRE = regexp.MustCompile(`^(?:[^\s:]*\.go:)?(\d+):(\d+): (.*)$`)

// wrapperShift is how many columns yaegi's wrapping adds to the first source line:
// "package main;" for declarations, "package main; func main() {" for statements.
func wrapperShift(c chunk) int {
	if c.decl {
		return len("package main;")
	}
	return len("package main; func main() {")
}

// cellError converts an error from evaluating chunk c (padded so its lines keep
// their cell numbers) into an *Error with cell positions.
func cellError(err error, c chunk, cellLines int) *Error {
	var p interp.Panic
	if errors.As(err, &p) {
		e := &Error{Name: ErrPanic, Msg: goPanicMessage(fmt.Sprint(p.Value))}
		e.Trace = stackLines(string(p.Stack))
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Name: ErrInterrupted, Msg: "cell interrupted: " + err.Error()}
	}
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		first := list[0]
		e := &Error{Name: ErrCompile, Line: first.Pos.Line, Col: first.Pos.Column, Msg: first.Msg}
		fixPos(e, c, cellLines)
		for _, more := range list[1:] { // further syntax errors, as positioned lines
			m := &Error{Line: more.Pos.Line, Col: more.Pos.Column}
			fixPos(m, c, cellLines)
			e.Trace = append(e.Trace, fmt.Sprintf("cell:%d:%d: %s", m.Line, m.Col, more.Msg))
		}
		return e
	}
	msg := err.Error()
	if m := posRE.FindStringSubmatch(strings.SplitN(msg, "\n", 2)[0]); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		e := &Error{Name: ErrCompile, Line: line, Col: col, Msg: m[3]}
		fixPos(e, c, cellLines)
		return e
	}
	return &Error{Name: ErrRuntime, Msg: msg}
}

// fixPos undoes the first-line wrapper shift and clamps positions that yaegi puts
// on its own closing brace (an unfinished cell) to the cell's last line.
func fixPos(e *Error, c chunk, cellLines int) {
	if e.Line == 1 && c.startLine == 1 {
		if e.Col -= wrapperShift(c); e.Col < 1 {
			e.Col = 1
		}
	}
	if e.Line > cellLines {
		e.Line, e.Col = cellLines, 1
	}
	if e.Line < 1 {
		e.Line = 1
	}
}

// stackLines keeps the Go stack of a panic readable: it drops the frames of the
// interpreter machinery and of the runtime's panic handling.
func stackLines(stack string) []string {
	var out []string
	lines := strings.Split(strings.TrimSpace(stack), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "goroutine ") {
			continue
		}
		fn := strings.TrimSpace(l)
		skip := strings.HasPrefix(fn, "runtime/debug.") || strings.HasPrefix(fn, "panic(") ||
			strings.HasPrefix(fn, "github.com/traefik/yaegi/") || strings.HasPrefix(fn, "reflect.") ||
			strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "created by ")
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
			if !skip {
				out = append(out, fn, lines[i+1])
			}
			i++
			continue
		}
		if !skip {
			out = append(out, l)
		}
	}
	return out
}
