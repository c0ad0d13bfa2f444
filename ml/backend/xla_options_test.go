package backend

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseXLAOptions(t *testing.T) {
	for _, tc := range []struct {
		config, rest, opts, err string
	}{
		{"cuda", "cuda", "map[]", ""},
		{"/p/xla_cuda_plugin.so,preallocate=false", "/p/xla_cuda_plugin.so", "map[preallocate:false]", ""},
		{"/p.so,memory_fraction=0.5,shared_buffers,allocator=platform", "/p.so,shared_buffers", "map[allocator:platform memory_fraction:0.5]", ""},
		{"cuda,tf32", "cuda,tf32", "map[]", ""},
		{"cuda,preallocate=maybe", "", "", "want true or false"},
		{"cuda,memory_fraction=2", "", "", "want a fraction in (0, 1]"},
		{"cuda,allocator=", "", "", "want an allocator name"},
		{"cuda,visible_devices=1", "", "", "unknown"},
	} {
		rest, opts, err := parseXLAOptions(tc.config)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.config, err, tc.err)
			}
			continue
		}
		if err != nil || rest != tc.rest || fmt.Sprint(map[string]any(opts)) != tc.opts {
			t.Errorf("%q: got %q %v %v, want %q %s", tc.config, rest, opts, err, tc.rest, tc.opts)
		}
	}
}

// TestXLAWithoutPlugin: the "xla" backend is ours and still fails cleanly (no
// download, no panic) when the plugin does not exist.
func TestXLAWithoutPlugin(t *testing.T) {
	_, err := newXLA("/nonexistent/pjrt_c_api_cuda_plugin.so,preallocate=false")
	if err == nil {
		t.Fatal("no error for a missing plugin")
	}
}
