//go:build !unix

package fast

import "time"

// processCPU is not measured off unix: the trace's CPU column reads 0.
func processCPU() time.Duration { return 0 }
