//go:build unix

package dsl

import (
	"os"
	"syscall"
)

var realStdout, realStderr = dupStd(1, os.Stdout), dupStd(2, os.Stderr)

// dupStd duplicates fd at start-up (close-on-exec), so writes to the copy reach the
// original stream even while a cell has fd redirected.
func dupStd(fd int, fallback *os.File) *os.File {
	d, err := syscall.Dup(fd)
	if err != nil {
		return fallback
	}
	syscall.CloseOnExec(d)
	return os.NewFile(uintptr(d), fallback.Name())
}
