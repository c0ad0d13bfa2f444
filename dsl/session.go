package dsl

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/im2im/im2im/dsl/symbols"
	"github.com/im2im/im2im/stdlib/display"
)

// PreImported lists the stdlib packages every session imports before its first
// cell (those that exist in this build).
var PreImported = []string{"im2im", "display"}

// Session is one interpreter whose state (variables, types, functions, imports)
// persists across cells. Execute runs one cell at a time; a Session is safe for
// concurrent use (calls queue).
type Session struct {
	mu       sync.Mutex // held while a cell runs
	in       *interp.Interpreter
	declared map[string]string   // top-level names declared by cells → "func", "type" or "var"
	imported map[string]bool     // imports done, as "name path"
	decls    map[string]*declSrc // type, func and method declarations of cells, by key
	declSeq  int                 // counts declarations, for their order
	logFn    func(format string, args ...any)
	panics   *panicSniffer // the interpreter's stderr, recording panic frames
	slots    slotState     // the global frame's slots, for releasing finished top-level values
	limits   Limits        // the watchdog's thresholds
	goPanics goPanics      // panics of goroutines that cells started

	sinkMu      sync.Mutex
	sink        Sink     // sink of the running cell, for stdin reads and non-capturing output
	capt        *capture // fd capture of the running cell, or nil
	between     *capture // the capture kept across cells (KeepLateOutput), or nil
	late        []lateText
	lateBytes   int
	lateDropped bool
}

// New returns a fresh session with the Go standard library, os/exec, and the im2im
// stdlib packages (PreImported ones already imported).
func New() (*Session, error) {
	s := &Session{limits: DefaultLimits()}
	if err := s.reset(); err != nil {
		return nil, err
	}
	return s, nil
}

// reset replaces the interpreter with a fresh one.
func (s *Session) reset() error {
	opts := interp.Options{
		Stdin:        &stdinReader{s: s},
		Args:         []string{"im2im"},
		Unrestricted: true,
	}
	s.panics = &panicSniffer{next: os.Stderr}
	if captureSupported {
		// Interpreted fmt/log output goes through fd 1/2 like compiled output, so
		// both reach the sink through the same pipes, in order.
		opts.Stdout = os.Stdout
	} else {
		opts.Stdout, s.panics.next = sinkWriter{s, "stdout"}, sinkWriter{s, "stderr"}
	}
	opts.Stderr = s.panics
	in := interp.New(opts)
	for _, exp := range []interp.Exports{
		stdlib.Symbols,
		{"os/exec/exec": unrestricted.Symbols["os/exec/exec"]},
		symbols.Symbols,
	} {
		if err := in.Use(exp); err != nil {
			return fmt.Errorf("dsl: loading symbols: %w", err)
		}
	}
	if err := s.useGoGuard(in); err != nil {
		return fmt.Errorf("dsl: loading the goroutine guard: %w", err)
	}
	imported := map[string]bool{}
	for _, p := range PreImported {
		if _, ok := symbols.Symbols[p+"/"+p]; !ok {
			continue
		}
		if _, err := in.Eval(fmt.Sprintf("import %q", p)); err != nil {
			return fmt.Errorf("dsl: pre-importing %q: %w", p, err)
		}
		imported[p+" "+p] = true
	}
	s.in = in
	s.declared = map[string]string{}
	s.imported = imported
	s.decls, s.declSeq = map[string]*declSrc{}, 0
	s.startSlots()
	s.slots.keepFor = s.declRefers
	return nil
}

// lockedSink serialises calls to a Sink.
type lockedSink struct {
	mu   sync.Mutex
	sink Sink
}

func (l *lockedSink) Stream(name, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sink.Stream(name, text)
}

func (l *lockedSink) Display(d display.Data) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sink.Display(d)
}

// Input is not serialised: output keeps flowing while the user types.
func (l *lockedSink) Input(prompt string, password bool) (string, error) {
	return l.sink.Input(prompt, password)
}

// Execute runs one cell: magics, declarations and statements in order. Output
// reaches sink while the cell runs; the value of a final expression is returned as
// Result.Data. A failure is returned as an *Error with the cell line and column
// where known. Cancelling ctx interrupts the cell: interpreted code stops at once,
// a compiled call stops when it notices display.Context() is done, and Execute
// returns only after the cell's code has really stopped, so the next cell never
// overlaps an interrupted one. Panics become *Error{Name: ErrPanic}.
//
// A watchdog (Limits) stops a cell whose goroutine stacks or heap grow towards a
// crash, with an ErrStackOverflow or ErrOutOfMemory error.
func (s *Session) Execute(ctx context.Context, cell string, sink Sink) (Result, error) {
	if sink == nil {
		sink = DiscardSink{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watch(ctx, func(ctx context.Context) (Result, error) { return s.execute(ctx, cell, sink) })
}

// execute is Execute with the session locked.
func (s *Session) execute(ctx context.Context, cell string, sink Sink) (res Result, err error) {
	ls := &lockedSink{sink: sink}

	capt, persistent := s.between, s.between != nil
	if captureSupported && !persistent {
		if c, cerr := startCapture(ls.Stream); cerr == nil {
			capt = c
		} else {
			fmt.Fprintln(os.Stderr, "dsl: output of compiled code is not captured:", cerr)
		}
	}
	s.sinkMu.Lock()
	s.sink, s.capt = ls, capt
	if _, discard := sink.(DiscardSink); !discard {
		s.deliverLate(ls)
	}
	s.sinkMu.Unlock()
	detach := display.Attach(ctx, func(d display.Data) {
		if capt != nil {
			capt.sync()
		}
		ls.Display(d)
	})
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Name: ErrPanic, Msg: fmt.Sprint(r)}
		}
		detach()
		switch {
		case persistent:
			capt.sync() // what the cell wrote reaches its sink; later text waits for the next cell
		case capt != nil:
			capt.stop()
		}
		s.sinkMu.Lock()
		s.sink, s.capt = nil, nil
		s.sinkMu.Unlock()
	}()
	n := s.goPanics.cell.Add(1)
	if e := goPanicError(s.goPanics.take(), n, false); e != nil {
		return Result{}, e
	}
	res, err = s.runCell(ctx, cell, ls)
	if e := goPanicError(s.goPanics.take(), n, true); e != nil && err == nil {
		return Result{}, e
	}
	return res, err
}

// Reset discards all state and starts a fresh interpreter (the %reset magic).
func (s *Session) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reset()
}

// currentSink is the running cell's sink, or nil between cells.
func (s *Session) currentSink() Sink {
	s.sinkMu.Lock()
	defer s.sinkMu.Unlock()
	return s.sink
}

// flushOutput returns once output written so far by the running cell has reached
// its sink.
func (s *Session) flushOutput() {
	s.sinkMu.Lock()
	c := s.capt
	s.sinkMu.Unlock()
	if c != nil {
		c.sync()
	}
}

// evalChunk evaluates one chunk, padded with newlines so positions are cell lines.
func (s *Session) evalChunk(ctx context.Context, c chunk, cellLines int, sink Sink) (reflect.Value, error) {
	var fresh []string
	if c.decl {
		c.text, fresh = s.dropReimports(c.text)
	}
	var goIns []insertion
	c.text, goIns = guardGoroutines(c.text, c.decl, c.startLine)
	c.text, c.ins = fixParallelAssign(c.text, c.decl, c.startLine)
	var topIns []insertion
	var topErr *Error
	if c.text, topIns, topErr = fixTopLevel(c.text, c.decl, c.startLine); topErr != nil {
		return reflect.Value{}, topErr
	}
	var redef *redefinition
	if c.decl {
		var err error
		if redef, err = s.prepareRedefine(c); err != nil {
			return reflect.Value{}, &Error{Name: ErrCompile, Line: c.startLine, Col: 1,
				Msg: fmt.Sprintf("cannot declare again what an earlier cell declared (%v): %%reset, then run the cells again", err)}
		}
	}
	src := strings.Repeat("\n", c.startLine-1) + c.text
	defer s.releaseChunk(c, s.in.FileSet().Base())
	s.panics.take()
	v, err := s.evalWait(ctx, src, sink)
	if err != nil {
		e := cellError(err, c, cellLines)
		if e.Name == ErrPanic {
			addPanicFrames(e, s.panics.take(), c, cellLines)
		}
		if e.Name == ErrCompile && e.Msg == yaegiLoopMsg {
			s.findUndefined(e, c)
		}
		if e.Line > 0 {
			e.Col = originalCol(goIns, e.Line, originalCol(c.ins, e.Line, originalCol(topIns, e.Line, e.Col)))
		}
		return v, e
	}
	recordDecls(c, s.declared)
	for _, k := range fresh {
		s.imported[k] = true
	}
	if redef != nil {
		if err := s.finishRedefine(ctx, redef, sink); err != nil {
			return reflect.Value{}, err
		}
	}
	if !c.decl {
		return v, nil
	}
	return reflect.Value{}, nil
}

// evalWait runs EvalWithContext; when ctx is cancelled it then waits until the
// interpreter goroutine that yaegi started has really returned (a compiled call
// may keep it busy), telling the user on stderr if that takes a while.
func (s *Session) evalWait(ctx context.Context, src string, sink Sink) (reflect.Value, error) {
	gid := goroutineID()
	v, err := s.in.EvalWithContext(ctx, src)
	if ctx.Err() == nil || gid == "" {
		return v, err
	}
	needle := "created by github.com/traefik/yaegi/interp.(*Interpreter).EvalWithContext in goroutine " + gid + "\n"
	start := time.Now()
	told := false
	for goroutineExists(needle) {
		if !told && time.Since(start) > 500*time.Millisecond {
			fmt.Fprintln(os.Stderr, "interrupted: waiting for the running compiled call to return …")
			told = true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return v, err
}

// goroutineID returns the current goroutine's id as printed in stack traces.
func goroutineID() string {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	if len(f) < 2 || f[0] != "goroutine" {
		return ""
	}
	if _, err := strconv.ParseUint(f[1], 10, 64); err != nil {
		return ""
	}
	return f[1]
}

// goroutineExists reports whether any goroutine's stack contains needle.
func goroutineExists(needle string) bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Contains(string(buf[:n]), needle)
		}
		buf = make([]byte, 2*len(buf))
	}
}

// stdinReader feeds interpreted fmt.Scan* from the running cell's Sink.Input.
type stdinReader struct {
	s   *Session
	buf []byte
}

func (r *stdinReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		sink := r.s.currentSink()
		if sink == nil {
			return 0, io.EOF
		}
		r.s.flushOutput()
		line, err := sink.Input("", false)
		if err != nil {
			return 0, err
		}
		r.buf = []byte(line + "\n")
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// sinkWriter sends interpreted output to the running cell's sink where fd capture
// is not available.
type sinkWriter struct {
	s    *Session
	name string
}

func (w sinkWriter) Write(p []byte) (int, error) {
	if sink := w.s.currentSink(); sink != nil {
		sink.Stream(w.name, string(p))
		return len(p), nil
	}
	if w.name == "stderr" {
		return os.Stderr.Write(p)
	}
	return os.Stdout.Write(p)
}

// globals returns the session's variables and constants. yaegi's Globals can panic
// after a failed compilation left a placeholder without storage; those names are
// then reported from a safe subset (none) until the next evaluation resizes the
// frame.
func (s *Session) globals() map[string]reflect.Value {
	g, _ := s.globalsOK()
	return g
}

// globalsOK is globals, with ok false when yaegi's Globals panicked.
func (s *Session) globalsOK() (g map[string]reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			g, ok = map[string]reflect.Value{}, false
		}
	}()
	return s.in.Globals(), true
}
