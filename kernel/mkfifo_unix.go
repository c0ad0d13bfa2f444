//go:build unix

package kernel

import "syscall"

// mkfifo creates a named pipe readable and writable by the owner.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }
