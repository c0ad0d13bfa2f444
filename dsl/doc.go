// Package dsl is the cell interpreter: one yaegi session whose state (variables,
// types, functions, imports) persists across cells, with symbol tables for the
// stdlib packages, cell splitting, positioned errors, magics, completion,
// inspection and cancellation. It knows nothing of Jupyter, so the kernel, the
// headless runner (`im2im run`) and tests share one executor.
//
// # API
//
//	s, err := dsl.New()                          // Go stdlib + os/exec + stdlib/* ("display", later "im2im", "plot")
//	res, err := s.Execute(ctx, cell, sink)       // one cell; res.Data is the MIME bundle of a final expression
//	s.Complete(code, cursor) / s.Inspect(code, cursor) / dsl.IsComplete(code)
//	s.Reset()                                    // fresh interpreter (the %reset magic)
//
// A Sink receives, while the cell runs and serialised: Stream("stdout"|"stderr",
// text), Display(display.Data) for display_data/update_display_data (MIME bundle,
// metadata, display id, Update flag), and Input(prompt, password) for fmt.Scan*.
// Failures are *Error values: Name (ErrCompile, ErrPanic, ErrInterrupted,
// ErrMagic, ErrShell, ...), Line/Col within the cell (1-based, 0 if unknown), Msg
// and Trace (Go stack lines of a panic).
//
// # Cells
//
// A cell may mix imports, types, funcs, vars, consts and statements in any order:
// it is split at top-level line starts into runs of declarations and runs of
// statements, each evaluated separately (yaegi parses a chunk as one or the other),
// padded so error positions are cell lines. yaegi's "constant definition loop"
// (an assignment from an undefined name) is reported as "undefined: NAME". The value of the last expression
// statement is the result, except for calls returning nothing, (n int, err error)
// (the fmt printers) or a nil error. Lines starting with % or ! in column 0 are
// magics (see HelpText); %%writefile must be the first line.
//
// A type, function or method declared again in a later cell takes effect for the
// code that follows, as in GoNB: earlier declarations that use it are evaluated
// again, and one that no longer compiles fails the cell and is forgotten
// (redefine.go). Parallel assignments are rewritten around a yaegi v0.16.1 bug
// that dropped values (assignfix.go). A Go standard package or plot, display or
// im2im used without an import is imported for the cell (autoimport.go), said
// once through SetLog.
//
// # Output
//
// On Linux, file descriptors 1 and 2 are redirected into pipes while a cell runs
// and the interpreter writes to them too, so output of interpreted code, compiled
// code and ! commands reaches the sink in order per stream. Before each display
// output the pipes are flushed (a marker round trip), so a display appears after
// the text printed before it. Outside Linux only interpreted output is captured.
// Code that must write to the terminal while a cell runs (a headless runner's
// progress lines, the kernel's log) uses RealStdout/RealStderr, duplicates of the
// streams taken at start-up. With KeepLateOutput (the kernel) the capture lasts
// until Close: text written between cells goes to the next cell's sink first.
//
// # Interrupts
//
// Cancelling Execute's ctx stops interpreted code at the next statement. A compiled
// call keeps running until it returns; Execute waits for it (saying so on stderr
// after 0.5 s), so the next cell never overlaps an interrupted one. Long compiled
// calls should therefore watch display.Context(): it returns the running cell's
// ctx (context.Background() outside a cell); stdlib functions like im2im.Train use
// it as their default context. A panic in the cell's goroutine (interpreted or
// compiled) becomes an *Error with Name ErrPanic; a panic in a goroutine the cell
// started itself is not recoverable and ends the process.
//
// Layering: dsl may import stdlib, ml and data; it knows nothing of Jupyter.
// Symbol tables are generated (go generate ./dsl/symbols), one file per stdlib
// package, under short import paths.
package dsl
