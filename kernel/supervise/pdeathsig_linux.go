package supervise

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the child killed when its parent dies, so that a
// supervisor killed by Jupyter (SIGKILL) does not leave a kernel holding its ports.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
