package dsl

import "os"

// RealStdout returns the process's standard output as it was at start-up. While a
// cell runs, fd 1 is redirected into the cell's output; a headless runner's
// progress lines or a program's own messages written here are not captured.
func RealStdout() *os.File { return realStdout }

// RealStderr is RealStdout for standard error (the kernel logs here).
func RealStderr() *os.File { return realStderr }
