//go:build !unix

package kernel

import (
	"io"
	"os"
)

// LogWriter returns standard error (cells do not redirect it on this platform).
func LogWriter() io.Writer { return os.Stderr }
