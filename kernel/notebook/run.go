package notebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/im2im/im2im/dsl"
)

// autosaveEvery is how often the notebook is saved while a cell runs.
var autosaveEvery = 30 * time.Second

// slowCell is how long a cell runs before the terminal says which one is running.
var slowCell = 5 * time.Second

// DefaultGrace is how long Run waits, after interrupting a cell that timed out,
// for a compiled call that does not watch its context to return.
const DefaultGrace = 10 * time.Second

// Options configure Run.
type Options struct {
	// Session executes the cells; nil starts a fresh one.
	Session *dsl.Session
	// Timeout limits each cell (0: no limit). A cell running longer is
	// interrupted and fails the run, also with AllowErrors.
	Timeout time.Duration
	// Grace is how long an interrupted cell may take to stop (0: DefaultGrace);
	// after it the run gives up on the cell and ends.
	Grace time.Duration
	// AllowErrors keeps running after a failing cell.
	AllowErrors bool
	// Save writes the encoded notebook (as Marshal encodes it, e.g. with
	// WriteAtomic); Run calls it before the first cell, after every cell, every
	// 30 s while a cell runs, and at the end. nil: nothing is saved.
	Save func([]byte) error
	// Terminal receives a progress line per cell and the failures; nil: silent.
	Terminal io.Writer
	// LogOutput echoes the cells' output to Terminal.
	LogOutput bool
	// Progress renders live displays (those with a display id, like training
	// panels) on Terminal as a line of text progress.
	Progress bool
	// KernelSpec and LanguageInfo are written into the notebook metadata when set.
	KernelSpec, LanguageInfo map[string]any
	// Parameters are the injected values (from Inject), recorded in the notebook
	// metadata under im2im.run.
	Parameters map[string]string
	// Version of im2im, recorded in the metadata.
	Version string
	// OnCell, when set, is told before each code cell runs: its 1-based position
	// in the notebook (all cells counted) and its execution count (a supervisor
	// that records which cell a crashed process was running).
	OnCell func(cell, count int)
}

// CellError is a failed cell: its position in the notebook (1-based, counting all
// cells), its execution count, the error kind and message, and the line/column in
// the cell where known.
type CellError struct {
	Cell, Count int
	Name, Msg   string
	Line, Col   int
	// Timeout is set when the cell ran past Options.Timeout; Stuck when it then
	// did not stop within the grace period.
	Timeout, Stuck bool
}

// Error says which cell failed, where, and why.
func (e *CellError) Error() string {
	at := ""
	if e.Line > 0 {
		at = fmt.Sprintf(", line %d", e.Line)
		if e.Col > 0 {
			at += fmt.Sprintf(":%d", e.Col)
		}
	}
	return fmt.Sprintf("cell %d (In [%d])%s: %s: %s", e.Cell, e.Count, at, e.Name, e.Msg)
}

// Result summarises a run.
type Result struct {
	// Executed counts the code cells run (empty cells are skipped).
	Executed int
	// Failures lists the failing cells (several only with AllowErrors).
	Failures []*CellError
	// Duration of the run.
	Duration time.Duration
}

// Timeout error name, as stored in the notebook.
const errTimeoutName = "CellTimeoutError"

var errTimeout = errors.New("cell timeout")

// Run executes nb's code cells in order in one session and records their outputs
// in nb (outputs and execution counts of earlier runs are cleared first). It saves
// the notebook through opt.Save before the first cell, after every cell, every 30 s
// while a cell runs and at the end, so a crash leaves a partial result. It returns
// the first failing cell as a *CellError (unless AllowErrors), a timeout or an
// interrupt (ctx cancelled) as a *CellError too, and save failures as they are.
// Markdown and raw cells are kept as they are.
func Run(ctx context.Context, nb *Notebook, opt Options) (*Result, error) {
	r := &runner{nb: nb, opt: opt, ids: map[string][]shown{}, dirty: map[*Cell]bool{},
		cache: map[*Cell][]byte{}, start: time.Now()}
	r.term = newTerminal(opt.Terminal, opt.LogOutput, opt.Progress)
	if r.opt.Grace <= 0 {
		r.opt.Grace = DefaultGrace
	}
	res, err := r.run(ctx)
	res.Duration = time.Since(r.start)
	return res, err
}

type runner struct {
	nb    *Notebook
	opt   Options
	sess  *dsl.Session
	mu    sync.Mutex // guards nb's outputs while cells run and while saving
	ids   map[string][]shown
	dirty map[*Cell]bool   // cells changed since their last encoding
	cache map[*Cell][]byte // encoded cells, for saving
	term  *terminal
	start time.Time
}

func (r *runner) run(ctx context.Context) (*Result, error) {
	res := &Result{}
	total := 0
	for _, c := range r.nb.Cells {
		if c.Type == "code" {
			c.Outputs, c.ExecutionCount = nil, 0
			delete(c.Metadata, "execution")
			if strings.TrimSpace(c.Source) != "" {
				total++
			}
		}
	}
	if r.opt.KernelSpec != nil {
		var old struct{ Name string }
		if raw, ok := r.nb.Metadata["kernelspec"]; ok && json.Unmarshal(raw, &old) == nil &&
			old.Name != "" && old.Name != r.opt.KernelSpec["name"] {
			r.term.printf("note: the notebook's kernel is %q; running it with %v", old.Name, r.opt.KernelSpec["name"])
		}
		r.nb.SetMetadata("kernelspec", r.opt.KernelSpec)
	}
	if r.opt.LanguageInfo != nil {
		r.nb.SetMetadata("language_info", r.opt.LanguageInfo)
	}
	r.setRunMetadata("running", nil)
	if err := r.save(); err != nil {
		return res, err
	}
	r.sess = r.opt.Session
	if r.sess == nil {
		s, err := dsl.New()
		if err != nil {
			return res, err
		}
		r.sess = s
	}
	var runErr error
	for i, c := range r.nb.Cells {
		if c.Type != "code" || strings.TrimSpace(c.Source) == "" {
			continue
		}
		res.Executed++
		if r.opt.OnCell != nil {
			r.opt.OnCell(i+1, res.Executed)
		}
		ce := r.cell(ctx, i, c, res.Executed, total)
		if ce != nil {
			res.Failures = append(res.Failures, ce)
		}
		if err := r.save(); err != nil {
			return res, err
		}
		if ce != nil && (!r.opt.AllowErrors || ce.Timeout || ce.Name == dsl.ErrInterrupted) {
			runErr = ce
			break
		}
	}
	status := "ok"
	var failed *CellError
	if len(res.Failures) > 0 {
		status, failed = "failed", res.Failures[0]
	}
	r.setRunMetadata(status, failed)
	if err := r.save(); err != nil {
		return res, err
	}
	return res, runErr
}

// cell executes cell number i (0-based), the n-th of total code cells.
func (r *runner) cell(ctx context.Context, i int, c *Cell, n, total int) *CellError {
	r.mu.Lock()
	c.ExecutionCount = n
	r.dirty[c] = true
	r.mu.Unlock()
	began := time.Now()
	head := fmt.Sprintf("[%d/%d] In [%d]", n, total, n)
	label := r.label(i, c)
	finished := false
	slow := time.AfterFunc(slowCell, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if !finished {
			r.term.printf("%s running …  %s", head, label)
		}
	})
	rec := &recorder{mu: &r.mu, cell: c, ids: r.ids, dirty: r.dirty, term: r.term}
	stopSaving := r.autosave()
	out, err, timedOut, stuck := r.execute(ctx, c.Source, rec)
	stopSaving()
	ended := time.Now()
	slow.Stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	finished = true
	c.SetMetadata("execution", map[string]string{
		"iopub.status.busy":   stamp(began),
		"iopub.execute_input": stamp(began),
		"shell.execute_reply": stamp(ended),
		"iopub.status.idle":   stamp(ended),
	})
	r.term.flushLive()
	took := ended.Sub(began).Round(time.Millisecond)
	if err == nil && !timedOut {
		if out.Data != nil {
			rec.clearPending() // under r.mu, as the recorder's own calls
			c.Outputs = append(c.Outputs, &Output{Type: "execute_result", Data: out.Data,
				Metadata: map[string]any{}, ExecutionCount: n})
			if r.term.logOutput {
				r.term.printf("%s", bundleText(out.Data, false))
			}
		}
		r.term.printf("%s ok %8s  %s", head, took, label)
		return nil
	}
	var eo *Output
	ce := &CellError{Cell: i + 1, Count: n}
	if timedOut {
		msg := fmt.Sprintf("the cell did not finish within %s (--timeout) and was interrupted", r.opt.Timeout)
		if stuck {
			msg += fmt.Sprintf("; a compiled call it made did not stop within %s, so the run gave up on it", r.opt.Grace)
		}
		eo = &Output{Type: "error", EName: errTimeoutName, EValue: msg, Traceback: []string{errTimeoutName + ": " + msg}}
		ce.Name, ce.Msg, ce.Timeout, ce.Stuck = errTimeoutName, msg, true, stuck
	} else {
		eo = errorOutput(err, c.Source)
		ce.Name, ce.Msg = eo.EName, eo.EValue
		var de *dsl.Error
		if errors.As(err, &de) {
			ce.Line, ce.Col = de.Line, de.Col
		}
	}
	rec.clearPending()
	c.Outputs = append(c.Outputs, eo)
	r.term.printf("%s FAILED %5s  %s", head, took, label)
	for _, l := range eo.Traceback {
		r.term.printf("    %s", l)
	}
	return ce
}

// execute runs src; on a timeout or a cancelled ctx it interrupts the cell and
// waits up to the grace period for it to stop (stuck when it does not).
func (r *runner) execute(ctx context.Context, src string, rec *recorder) (res dsl.Result, err error, timedOut, stuck bool) {
	cctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if r.opt.Timeout > 0 {
		t := time.AfterFunc(r.opt.Timeout, func() { cancel(errTimeout) })
		defer t.Stop()
	}
	type outcome struct {
		res dsl.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := r.sess.Execute(cctx, src, rec)
		done <- outcome{res, err}
	}()
	var o outcome
	select {
	case o = <-done:
	case <-cctx.Done():
		grace := time.NewTimer(r.opt.Grace)
		defer grace.Stop()
		select {
		case o = <-done:
		case <-grace.C:
			rec.close()
			return dsl.Result{}, &dsl.Error{Name: dsl.ErrInterrupted, Msg: "the cell did not stop after the interrupt"},
				errors.Is(context.Cause(cctx), errTimeout), true
		}
	}
	if o.err == nil {
		return o.res, nil, false, false
	}
	return o.res, o.err, errors.Is(context.Cause(cctx), errTimeout), false
}

// autosave saves the notebook every autosaveEvery while a cell runs, so a crash
// in a long cell keeps its output so far; the returned func stops it and returns
// once no save is in progress.
func (r *runner) autosave() (stop func()) {
	if r.opt.Save == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(autosaveEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := r.save(); err != nil {
					r.mu.Lock()
					r.term.printf("im2im run: saving during the cell: %v", err)
					r.mu.Unlock()
				}
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// save writes the notebook through opt.Save with the outputs stable.
func (r *runner) save() error {
	if r.opt.Save == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.dirty {
		delete(r.cache, c)
	}
	clear(r.dirty)
	b, err := r.nb.marshal(r.cache)
	if err != nil {
		return err
	}
	return r.opt.Save(b)
}

// setRunMetadata records the run in the notebook metadata under "im2im".
func (r *runner) setRunMetadata(status string, failed *CellError) {
	run := map[string]any{"status": status, "start_time": stamp(r.start)}
	if r.opt.Parameters != nil {
		run["parameters"] = r.opt.Parameters
	}
	if r.opt.Version != "" {
		run["version"] = r.opt.Version
	}
	if status != "running" {
		end := time.Now()
		run["end_time"] = stamp(end)
		run["duration_s"] = end.Sub(r.start).Seconds()
	}
	if failed != nil {
		run["failed_cell"] = failed.Cell
		run["error"] = failed.Error()
	}
	r.mu.Lock()
	r.nb.SetMetadata("im2im", map[string]any{"run": run})
	r.mu.Unlock()
}

// stamp formats t as Jupyter's message dates (UTC, microseconds).
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// label names code cell i (c) on the terminal: the heading of the markdown
// just above it ("## 3. Train"), else its first line. A code cell that follows
// another code cell has no heading of its own.
func (r *runner) label(i int, c *Cell) string {
	if i > 0 {
		if prev := r.nb.Cells[i-1]; prev.Type == "markdown" {
			for _, l := range strings.Split(prev.Source, "\n") {
				if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") {
					return cut(strings.TrimSpace(strings.TrimLeft(t, "#")), 60)
				}
			}
		}
	}
	return firstLine(c.Source)
}

// firstLine is the first non-blank line of a cell, shortened, for progress lines.
func firstLine(src string) string {
	for _, l := range strings.Split(src, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return cut(l, 60)
		}
	}
	return ""
}
