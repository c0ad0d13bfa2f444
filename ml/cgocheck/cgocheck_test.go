package cgocheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Type-checking this package without cgo (what a build does first on a
// machine with no C compiler) fails with the name that says what to do; with
// cgo it passes.
func TestBuildWithoutCgoNamesTheFix(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		t.Skip("no go command:", err)
	}
	for _, tc := range []struct {
		cgo  string
		fail bool
	}{{"0", true}, {"1", false}} {
		cmd := exec.Command(goTool, "vet", ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+tc.cgo)
		out, err := cmd.CombinedOutput()
		if (err != nil) != tc.fail {
			t.Errorf("CGO_ENABLED=%s: go vet error %v, want failure %v\n%s", tc.cgo, err, tc.fail, out)
		}
		if tc.fail && !strings.Contains(string(out), "undefined: im2im_needs_cgo_and_a_C_compiler__install_gcc") {
			t.Errorf("CGO_ENABLED=%s: the error does not name the fix:\n%s", tc.cgo, out)
		}
	}
}
