package onnx

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The real consumers that check exported models: Debian's python3-onnx (checker
// and strict shape inference) and ONNX Runtime from npm's onnxruntime-node, found
// through IM2IM_ORT_NODE_MODULES (a node_modules folder holding it; .ci/run
// installs it). Outside CI a missing consumer skips its check; in CI (CI=true)
// it fails the test.

// ortTolerance is the largest accepted max abs difference between ONNX
// Runtime's output and im2im's.
const ortTolerance = 1e-4

// debianPython is the Python that Debian's python3-onnx installs into.
const debianPython = "/usr/bin/python3"

func missingConsumer(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Logf("skipped: "+format, args...)
}

// checkWithONNX runs python3-onnx's checker on the models.
func checkWithONNX(t *testing.T, models ...string) {
	t.Helper()
	if err := exec.Command(debianPython, "-c", "import onnx").Run(); err != nil {
		missingConsumer(t, "python3 cannot import onnx (apt-get install python3-onnx): %v", err)
		return
	}
	out, err := exec.Command(debianPython, append([]string{filepath.Join("testdata", "check_onnx.py")}, models...)...).CombinedOutput()
	t.Logf("python3-onnx:\n%s", out)
	if err != nil {
		t.Fatalf("python3-onnx checker: %v", err)
	}
}

// checkWithORT runs the model in onnxruntime-node on in.npy and compares with want.npy.
func checkWithORT(t *testing.T, model, in, want string, tolerance float64) {
	t.Helper()
	mods := os.Getenv("IM2IM_ORT_NODE_MODULES")
	if mods == "" {
		missingConsumer(t, "IM2IM_ORT_NODE_MODULES is not set (npm install --ignore-scripts onnxruntime-node)")
		return
	}
	if _, err := exec.LookPath("node"); err != nil {
		missingConsumer(t, "no node: %v", err)
		return
	}
	cmd := exec.Command("node", filepath.Join("testdata", "ort_check.js"), model, in, want, fmt.Sprint(tolerance))
	cmd.Env = append(os.Environ(), "NODE_PATH="+mods)
	out, err := cmd.CombinedOutput()
	t.Log(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("onnxruntime-node: %v", err)
	}
}
