package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/ml/nets"
)

// im2im export on a trained run writes an ONNX file that python3-onnx's checker
// accepts; bad inputs are exit code 2 with a message naming the problem.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	_, cfg := segFixture(t, dir, "  patch: {size: [32, 32], per_image: 2}\n  val_ratio: 0.25\n",
		"epochs: 1, batch_size: 2, lr: 0.01, name: cli, backend: im2im-fast")
	if out, err := runCmd(t, newTrainCmd(), "-c", cfg); err != nil {
		t.Fatalf("train: %v\n%s", err, out)
	}
	run := filepath.Join(dir, "runs", "cli")
	model := filepath.Join(dir, "model.onnx")
	out, err := runCmd(t, newExportCmd(), "--run", run, "--out", model)
	if err != nil || !strings.Contains(out, "unet 2D, 1 → 2 channels, spatial sizes multiples of [2 2]") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))
	checkTrainedExport(t, nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}}, filepath.Join(run, "checkpoints", "best.ckpt"), model, 2, 1, 32, 48)
	if err := exec.Command("/usr/bin/python3", "-c", "import onnx").Run(); err == nil {
		check := "import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)"
		if b, err := exec.Command("/usr/bin/python3", "-c", check, model).CombinedOutput(); err != nil {
			t.Errorf("python3-onnx checker: %v\n%s", err, b)
		}
	} else if os.Getenv("CI") == "true" {
		t.Errorf("python3-onnx is not installed: %v", err)
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no --out", []string{"--run", run}, "--out MODEL.onnx is required"},
		{"no run", []string{"--run", filepath.Join(dir, "nope"), "--out", model}, "config.yaml"},
		{"other net than trained", []string{"--run", run, "--out", model, "--model.net.features=8,16"},
			"variable /enc0/block0/conv/weights has shape [4 1 3 3], the net's config needs [8 -1 3 3]"},
		{"pix2pix", []string{"-c", "pix2pix_2d", "--checkpoint", "x.ckpt", "--out", model}, "model.framework pix2pix has no ONNX export yet"},
	}
	for _, tc := range bad {
		out, err := runCmd(t, newExportCmd(), tc.args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != exitBadInput || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (output %q), want exit code 2 with %q", tc.name, err, out, tc.want)
		}
	}
}
