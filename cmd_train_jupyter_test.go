package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// TestLivePanelUnderJupyter trains in the im2im kernel driven by Debian's
// jupyter_client (stdlib/im2im/testdata/live_panel.py) and checks the live
// panel's display_data / update_display_data messages. Skipped with -short or
// without python3-jupyter-client.
func TestLivePanelUnderJupyter(t *testing.T) {
	const python = "/usr/bin/python3"
	if testing.Short() {
		t.Skip("end-to-end Jupyter test skipped with -short")
	}
	if err := exec.Command(python, "-c", "import jupyter_client").Run(); err != nil {
		t.Skipf("%s lacks jupyter_client (apt install python3-jupyter-client): %v", python, err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "im2im")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	prefix := filepath.Join(dir, "prefix")
	if out, err := exec.Command(bin, "install", "--prefix", prefix).CombinedOutput(); err != nil {
		t.Fatalf("im2im install: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "nuclei")
	if _, err := synth.Write(data, synth.Semantic, 4, synth.Options{Shape: []int{64, 64}, MinRadius: 3, MaxRadius: 6}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "stdlib/im2im/testdata/live_panel.py")
	cmd.Env = append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"JUPYTER_DATA_DIR="+filepath.Join(dir, "jdata"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"),
		"JUPYTER_PLATFORM_DIRS=1",
		"IPYTHONDIR="+filepath.Join(dir, "ipython"),
		"IM2IM_DATA="+data, "IM2IM_RUNS="+filepath.Join(dir, "runs"),
	)
	out, err := cmd.CombinedOutput()
	t.Logf("live_panel.py:\n%s", out)
	if err != nil || !strings.Contains(string(out), "ALL OK") {
		t.Fatalf("live_panel.py failed: %v", err)
	}
}
