package main

import (
	"fmt"

	"github.com/im2im/im2im/kernel/supervise"
)

// Supervision (kernel/supervise): `im2im kernel` and `im2im run` run their work
// in a child process of the same binary, so that a crash Go cannot recover from
// (an allocation larger than memory, the out-of-memory killer, a fatal error in
// compiled code, os.Exit in a cell) ends the child and the parent tells the user.
var (
	// superviseChildren is set by main in a process that is not itself a
	// supervised child; commands run in-process by tests leave it false and run
	// unsupervised.
	superviseChildren bool
	// reporter talks to this process's supervisor; nil when there is none.
	reporter *supervise.Reporter
)

// childExit is the exit code of a supervised child that ended on purpose: it
// has printed its own error, so main exits with the code and prints nothing.
type childExit int

func (c childExit) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// exitWith is nil for code 0, else a childExit.
func exitWith(code int) error {
	if code == 0 {
		return nil
	}
	return childExit(code)
}
