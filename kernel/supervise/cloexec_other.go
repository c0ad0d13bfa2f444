//go:build !unix

package supervise

// closeOnExec does nothing where descriptors are not inherited by default.
func closeOnExec(fd int) {}
