package kernel

import (
	"io"

	"github.com/im2im/im2im/dsl"
)

// LogWriter returns where the kernel logs: the process's original standard error,
// which keeps working while cells redirect file descriptor 2 into their output.
func LogWriter() io.Writer { return dsl.RealStderr() }
