//go:build unix

package kernel

import (
	"io"
	"os"
	"syscall"
)

// LogWriter returns a writer to the process's original standard error that
// keeps working while cells redirect file descriptor 2 into their output.
func LogWriter() io.Writer {
	fd, err := syscall.Dup(2)
	if err != nil {
		return os.Stderr
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), "stderr-log")
}
