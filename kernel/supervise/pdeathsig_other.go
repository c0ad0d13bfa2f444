//go:build !linux

package supervise

import "os/exec"

// setParentDeathSignal does nothing where the system has no parent-death signal.
func setParentDeathSignal(cmd *exec.Cmd) {}
