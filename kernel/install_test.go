package kernel

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestInstallWritesSpecAndLogos(t *testing.T) {
	dir, err := Install(t.TempDir(), "/opt/im2im/bin/im2im")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec KernelSpec
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	want := []string{"/opt/im2im/bin/im2im", "kernel", "--connection-file", "{connection_file}"}
	if len(spec.Argv) != 4 || spec.Argv[0] != want[0] || spec.Argv[3] != want[3] || spec.Language != "go" ||
		spec.InterruptMode != "message" || filepath.Base(dir) != "im2im" {
		t.Errorf("spec %+v in %s", spec, dir)
	}
	for _, size := range []int{32, 64} {
		f, err := os.Open(filepath.Join(dir, "logo-"+itoa(size)+"x"+itoa(size)+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("logo %d is %v", size, b)
		}
		// Not a blank image: the two tiles differ from the background.
		if img.At(size/4, size/2) == img.At(1, 1) || img.At(3*size/4, size/2) == img.At(1, 1) {
			t.Errorf("logo %d lacks its tiles", size)
		}
	}
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestKernelsDir(t *testing.T) {
	if d, _ := KernelsDir("/p", false); d != "/p/share/jupyter/kernels" {
		t.Errorf("prefix: %s", d)
	}
	t.Setenv("VIRTUAL_ENV", "/venv")
	if d, _ := KernelsDir("", true); d != "/venv/share/jupyter/kernels" {
		t.Errorf("sys-prefix: %s", d)
	}
	t.Setenv("JUPYTER_DATA_DIR", "/data")
	if d, _ := KernelsDir("", false); d != "/data/kernels" {
		t.Errorf("user: %s", d)
	}
}
