package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigConvert: `im2im config convert` prints commented im2im YAML for an
// mmv_im2im FCN config, and exits 2 naming the framework for one im2im lacks (nnUnet).
func TestConfigConvert(t *testing.T) {
	dir := t.TempDir()
	fcn := filepath.Join(dir, "fcn.yaml")
	other := filepath.Join(dir, "nnunet.yaml")
	os.WriteFile(fcn, []byte("mode: train\ndata:\n  category: pair\n  data_path: d\n  dataloader:\n    train:\n      dataloader_params: {batch_size: 4, num_workers: 8}\nmodel:\n  framework: FCN\n  net:\n    module_name: monai.networks.nets\n    func_name: UNet\n    params: {spatial_dims: 2, in_channels: 1, out_channels: 2, channels: [8, 16, 32], strides: [2, 2]}\n  criterion:\n    module_name: monai.losses\n    func_name: DiceCELoss\n    params: {softmax: true, to_onehot_y: true}\ntrainer:\n  params: {max_epochs: 3, precision: 16}\n"), 0o644)
	os.WriteFile(other, []byte("mode: train\nmodel:\n  framework: nnUnet\n"), 0o644)
	tests := []struct {
		file, want string
		code       int
	}{
		{fcn, "kind: dice_ce", 0},
		{fcn, "num_workers: dropped", 0},
		{other, `framework "nnUnet" is not in im2im`, exitBadInput},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		root := newRootCmd()
		root.SetOut(&out)
		root.SetArgs([]string{"config", "convert", tt.file})
		err := root.Execute()
		if exitCode(err) != tt.code && !(err == nil && tt.code == 0) {
			t.Fatalf("%s: exit %d (%v), want %d", tt.file, exitCode(err), err, tt.code)
		}
		got := out.String()
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: output lacks %q:\n%s", tt.file, tt.want, got)
		}
	}
}
