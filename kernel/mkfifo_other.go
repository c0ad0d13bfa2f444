//go:build !unix

package kernel

import "errors"

// mkfifo fails: GoNB's pipe protocol needs named pipes.
func mkfifo(string) error { return errors.New("named pipes are not available on this platform") }
