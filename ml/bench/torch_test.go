package bench

import (
	"strings"
	"testing"
)

func TestParseTorchResult(t *testing.T) {
	out := "step 0: 1.0s loss=1\nRESULT torch 1.13.0a0 threads=2 dims=2 median_step_s=0.492 min=0.480 max=0.530 n=5\nmaxrss_MB 300\n"
	r, version, err := ParseTorchResult(out)
	if err != nil {
		t.Fatal(err)
	}
	if version != "1.13.0a0" || r.Median != 0.492 || r.Min != 0.480 || r.Max != 0.530 || r.N != 5 {
		t.Fatalf("parsed %+v, version %q", r, version)
	}
	if _, _, err := ParseTorchResult("Traceback: no module named torch\n"); err == nil || !strings.Contains(err.Error(), "no RESULT") {
		t.Fatalf("err = %v, want a missing-RESULT error", err)
	}
}

func TestTorchScriptGiven(t *testing.T) {
	if _, err := TorchScript(Options{Torch: "/nonexistent/torch_unet.py"}); err == nil || !strings.Contains(err.Error(), "--torch") {
		t.Fatalf("err = %v, want a --torch error", err)
	}
}

// FuzzParseTorchResult feeds arbitrary script output to the RESULT parser: it must never
// panic, and a parsed result must have consistent fields.
func FuzzParseTorchResult(f *testing.F) {
	f.Add("RESULT torch 1.13.0a0 threads=2 dims=2 median_step_s=0.492 min=0.480 max=0.530 n=5\n")
	f.Add("step 0: 1s\nRESULT torch x threads=1 dims=3 median_step_s=1e400 min=0 max=0 n=99999999999999999999\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, out string) {
		r, version, err := ParseTorchResult(out)
		if err != nil {
			return
		}
		if version == "" || r.N < 0 || r.Median < 0 || r.Min < 0 || r.Max < 0 {
			t.Fatalf("inconsistent parse of %q: %+v version %q", out, r, version)
		}
	})
}
