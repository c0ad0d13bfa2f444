package dsl

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// panicLineRE matches the line yaegi writes to the interpreter's stderr for each
// interpreted frame a panic unwinds: "LINE:COL: panic: main.f(...)".
var panicLineRE = regexp.MustCompile(`^(\d+):(\d+): panic: (.*)\(\.\.\.\)\n?$`)

// panicFrame is one interpreted frame of a panic: a cell position and a function.
type panicFrame struct {
	line, col int
	fn        string
}

// panicSniffer is the interpreter's stderr: it forwards everything to next except
// yaegi's panic frame lines, which it records so the panic error can carry the cell
// position and an interpreted stack.
type panicSniffer struct {
	next   io.Writer
	mu     sync.Mutex
	frames []panicFrame
}

func (p *panicSniffer) Write(b []byte) (int, error) {
	if m := panicLineRE.FindSubmatch(b); m != nil {
		line, _ := strconv.Atoi(string(m[1]))
		col, _ := strconv.Atoi(string(m[2]))
		p.mu.Lock()
		p.frames = append(p.frames, panicFrame{line, col, string(m[3])})
		p.mu.Unlock()
		return len(b), nil
	}
	return p.next.Write(b)
}

// take returns and forgets the recorded frames.
func (p *panicSniffer) take() []panicFrame {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.frames
	p.frames = nil
	return f
}

// addPanicFrames sets e's position to the cell statement that panicked (the
// outermost interpreted frame, which belongs to the running chunk) and puts the
// interpreted frames, innermost first, before the Go stack in e.Trace.
//
// yaegi updates a frame's position at calls, not inside expressions: a run-time error
// raised by an expression (index out of range, nil dereference, division by zero) is
// reported at whatever position its frame last recorded, often an earlier statement.
// The innermost frame of such a panic therefore gets no position; the cell position is
// kept only when the panic came from a function the cell called (the call site).
func addPanicFrames(e *Error, frames []panicFrame, c chunk, cellLines int) {
	if len(frames) == 0 {
		return
	}
	exprErr := runtimeErrorMsg(e.Msg)
	var trace []string
	for i, f := range frames {
		inCell := f.fn == "main" || strings.HasPrefix(f.fn, "main.func")
		if f.line == 1 { // undo yaegi's first-line wrapping
			shift := wrapperShift(chunk{decl: !inCell})
			f.col = max(1, f.col-shift)
			frames[i] = f
		}
		fn := strings.TrimPrefix(f.fn, "main.")
		if f.fn == "main" {
			fn = "cell"
		}
		if i == 0 && exprErr {
			trace = append(trace, fmt.Sprintf("  in %s (line unknown: the interpreter does not track positions inside expressions)", fn))
			continue
		}
		trace = append(trace, fmt.Sprintf("  at line %d:%d in %s", f.line, f.col, fn))
	}
	if outer := frames[len(frames)-1]; !exprErr || len(frames) > 1 {
		e.Line, e.Col = min(outer.line, cellLines), outer.col
	}
	e.Trace = append(trace, e.Trace...)
}

// runtimeErrorMsg reports whether a panic message is a run-time error raised by an
// expression (Go's "runtime error: …", or the reflect error yaegi hits instead).
func runtimeErrorMsg(msg string) bool {
	return strings.HasPrefix(msg, "runtime error:") || strings.HasPrefix(msg, "reflect:")
}

// goPanicMessage words the reflect errors that yaegi raises for run-time errors of
// interpreted expressions as Go does, keeping the original in parentheses.
func goPanicMessage(msg string) string {
	switch {
	case strings.HasPrefix(msg, "reflect:") && strings.Contains(msg, "index out of range"):
		return "runtime error: index out of range (" + msg + ")"
	case strings.HasPrefix(msg, "reflect:") && strings.HasSuffix(msg, "on zero Value"):
		return "runtime error: invalid memory address or nil pointer dereference (" + msg + ")"
	}
	return msg
}
