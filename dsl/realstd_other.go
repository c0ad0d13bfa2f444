//go:build !unix

package dsl

import "os"

// Cells do not redirect the standard streams on this platform.
var realStdout, realStderr = os.Stdout, os.Stderr
