package backend

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestChoose(t *testing.T) {
	cases := []struct {
		name       string
		env        string
		files      []string // relative to the plugin dir
		wantConfig string   // "" means the plugin path must be chosen; "<dir>/x" is resolved
		wantReason string
	}{
		{name: "nothing", wantConfig: CPU, wantReason: "no PJRT plugin found"},
		{name: "env wins", env: "go", files: []string{"pjrt_c_api_cpu_plugin.so"}, wantConfig: "go", wantReason: "GOMLX_BACKEND is set"},
		{name: "cpu plugin", files: []string{"pjrt_c_api_cpu_plugin.so", "README"}, wantConfig: "xla:<dir>/pjrt_c_api_cpu_plugin.so", wantReason: "PJRT cpu plugin"},
		{name: "cuda preferred", files: []string{"pjrt_c_api_cpu_0.5_plugin.so", "xla_cuda_plugin.so"}, wantConfig: "xla:<dir>/xla_cuda_plugin.so", wantReason: "PJRT cuda plugin"},
		{name: "not a plugin", files: []string{"libfoo.so", "pjrt_c_api_cpu_plugin.txt"}, wantConfig: CPU, wantReason: "pure-Go"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("HOME", t.TempDir()) // keep the user's own plugins out of the test
			t.Setenv(PluginPathEnvVar, dir)
			t.Setenv(EnvVar, tc.env)
			for _, f := range tc.files {
				touch(t, filepath.Join(dir, f))
			}
			c := Choose()
			want := strings.ReplaceAll(tc.wantConfig, "<dir>", dir)
			if c.Config != want {
				t.Errorf("Config = %q, want %q", c.Config, want)
			}
			if !strings.Contains(c.Reason, tc.wantReason) {
				t.Errorf("Reason = %q, want it to mention %q", c.Reason, tc.wantReason)
			}
		})
	}
}
