//go:build slow

package kernel_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestKernelMemoryAndCrashes (build tag slow, run by .ci/run) drives a kernel
// through 10,000 cells with jupyter_client (testdata/memory.py) and wants its
// memory flat: 100 MiB temporaries and variables declared again released, under
// 4 KiB of growth per small cell (RSS); then runaway recursion and a panicking goroutine
// as cell errors, with the kernel alive.
func TestKernelMemoryAndCrashes(t *testing.T) {
	env := kernelEnv(t)
	cmd := exec.Command(python, "testdata/memory.py", "10000")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("memory.py:\n%s", out)
	if err != nil || !strings.Contains(string(out), "ALL OK") {
		t.Fatalf("memory.py failed: %v", err)
	}
}
