//go:build unix

package supervise

import "syscall"

// closeOnExec keeps fd from the programs this process starts.
func closeOnExec(fd int) { syscall.CloseOnExec(fd) }
