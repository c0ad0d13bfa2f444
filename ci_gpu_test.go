package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runCIGPU runs .ci/gpu with args and extra environment, returning its output and exit code.
func runCIGPU(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	cmd := exec.Command("bash", append([]string{".ci/gpu"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// fakeSMI writes an executable script standing in for nvidia-smi.
func fakeSMI(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "nvidia-smi")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCIGPUWithoutGPU: without a GPU the check says so in one line and succeeds,
// before building or looking for anything.
func TestCIGPUWithoutGPU(t *testing.T) {
	for _, tc := range []struct{ name, smi string }{
		{"no nvidia-smi", filepath.Join(t.TempDir(), "missing")},
		{"nvidia-smi fails", fakeSMI(t, "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver'; exit 9")},
		{"nvidia-smi lists none", fakeSMI(t, "exit 0")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := runCIGPU(t, []string{"IM2IM_GPU_NVIDIA_SMI=" + tc.smi, "OUT=" + t.TempDir()})
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if code != 0 || len(lines) != 1 || !strings.HasPrefix(lines[0], "gpu: no NVIDIA GPU here") {
				t.Fatalf("exit %d, output:\n%s", code, out)
			}
		})
	}
}

// TestCIGPUFindsPlugin: the plugin search prefers JAX's CUDA 13 wheel, takes go-xla's
// file name too, and fails (exit 1) when there is none.
func TestCIGPUFindsPlugin(t *testing.T) {
	jax := filepath.Join("site-packages", "jax_plugins", "xla_cuda13", "xla_cuda_plugin.so")
	goxla := filepath.Join("go-xla", "pjrt_c_api_cuda_plugin.so")
	for _, tc := range []struct {
		name  string
		files []string
		want  string // relative to the temporary folder; "" means none found
	}{
		{"jax wheel", []string{jax}, jax},
		{"go-xla name", []string{goxla}, goxla},
		{"both: jax first", []string{goxla, jax}, jax},
		{"none", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				p := filepath.Join(dir, f)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			sites := filepath.Join(dir, "go-xla") + ":" + filepath.Join(dir, "site-packages")
			out, code := runCIGPU(t, []string{"IM2IM_GPU_SITE_DIRS=" + sites, "PJRT_CUDA_PLUGIN="}, "plugin")
			got := strings.TrimSpace(out)
			if tc.want == "" {
				if code != 1 || got != "" {
					t.Fatalf("exit %d, output %q; want exit 1 and nothing", code, got)
				}
				return
			}
			want, err := filepath.EvalSymlinks(filepath.Join(dir, tc.want))
			if err != nil {
				t.Fatal(err)
			}
			if code != 0 || got != want {
				t.Fatalf("exit %d, output %q; want %q", code, got, want)
			}
		})
	}
}
