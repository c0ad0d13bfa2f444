package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/kernel/notebook"
	"github.com/im2im/im2im/kernel/supervise"
)

// superviseRun runs `im2im run` (this process's own command line) in a child
// process and waits for it, forwarding SIGINT and SIGTERM. A child that ends on
// purpose has written the notebook and said what happened; its exit code is
// returned. When it crashes, the notebook it saved last (or nb, the notebook as
// parsed, when it saved none) gets the cause as the error of the cell it had
// started, is written to out, and the error names cell and cause (exit code 1).
func superviseRun(cmd *cobra.Command, in, out string, nb *notebook.Notebook) error {
	exe, err := os.Executable()
	if err != nil {
		return failed(fmt.Errorf("run: %w", err))
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	child, err := supervise.Start(exe, os.Args[1:], os.Environ(), nil) // the report goes to a file, not the terminal
	if err != nil {
		return failed(fmt.Errorf("run: %w", err))
	}
	var cell supervise.Event // the last cell the child started
	events := child.Events()
	for events != nil {
		select {
		case ev, ok := <-events:
			if !ok {
				events = nil
			} else if ev.Kind == supervise.KindCell {
				cell = ev
			}
		case s := <-sigs:
			child.Signal(s)
		}
	}
	exit := child.Wait()
	if !exit.Crashed() {
		return exitWith(exit.Code())
	}
	cause := exit.Cause()
	if cell.Cell == 0 {
		return failed(fmt.Errorf("run %s: the process running the notebook died before its first cell (%s)", in, cause))
	}
	if saved, err := notebook.Read(out); err == nil {
		nb = saved
	} else if !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(cmd.ErrOrStderr(), "im2im run: %v; writing the notebook as given with the crash\n", err)
	}
	tb := []string{supervise.CrashName + ": " + cause,
		"The process running the notebook died in this cell; the outputs of earlier cells are kept."}
	report := ""
	if len(exit.Report) > 0 {
		// Go's crash report (hundreds of lines of goroutine stacks) goes to a
		// file beside the notebook, not the terminal.
		report = strings.TrimSuffix(out, ".ipynb") + ".crash.txt"
		if err := os.WriteFile(report, exit.Report, 0o644); err != nil {
			report = ""
		} else {
			tb = append(tb, "Go's crash report: "+report)
		}
	}
	ce, err := notebook.RecordCrash(nb, cell.Cell, cell.Count, supervise.CrashName, cause, tb)
	if err != nil {
		return failed(fmt.Errorf("run %s: %w", in, err))
	}
	if err := nb.WriteFile(out); err != nil {
		return failed(fmt.Errorf("run %s: %v (the process running the notebook died); writing %s: %w", in, ce, out, err))
	}
	if report != "" {
		return failed(fmt.Errorf("%s: %w (the process running the notebook died; wrote %s, Go's crash report in %s)", in, ce, out, report))
	}
	return failed(fmt.Errorf("%s: %w (the process running the notebook died; wrote %s)", in, ce, out))
}
