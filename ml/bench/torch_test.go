package bench

import (
	"strings"
	"testing"
)

func TestParseTorchResult(t *testing.T) {
	cases := []struct {
		name, out string
		want      Result
		version   string
		wantErr   string
	}{
		{name: "unet", out: "step 0: 1.0s loss=1\nRESULT torch 1.13.0a0 threads=2 dims=2 median_step_s=0.492 min=0.480 max=0.530 n=5\nmaxrss_MB 300\n",
			want: Result{Median: 0.492, Min: 0.480, Max: 0.530, N: 5}, version: "1.13.0a0"},
		{name: "pix2pix params", out: "RESULT torch 1.13.0a0 threads=2 dims=2 median_step_s=2.5 min=2 max=3 n=3 params_generator=482463 params_discriminator=2765505\n",
			want: Result{Median: 2.5, Min: 2, Max: 3, N: 3, Params: map[string]int64{"generator": 482463, "discriminator": 2765505}}, version: "1.13.0a0"},
		{name: "unknown fields ignored", out: "  RESULT torch 2.1 threads=1 dims=3 median_step_s=1 min=1 max=1 n=1 extra=x params_g=4\n",
			want: Result{Median: 1, Min: 1, Max: 1, N: 1, Params: map[string]int64{"g": 4}}, version: "2.1"},
		{name: "huge count", out: "RESULT torch 2 threads=1 dims=2 median_step_s=1 min=1 max=1 n=1 params_g=99999999999999999999\n", wantErr: "params_g"},
		{name: "no result", out: "Traceback: no module named torch\n", wantErr: "no RESULT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, version, err := ParseTorchResult(tc.out)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if version != tc.version || r.Median != tc.want.Median || r.Min != tc.want.Min || r.Max != tc.want.Max || r.N != tc.want.N ||
				CompareParams(r.Params, tc.want.Params) != "" || (r.Params == nil) != (tc.want.Params == nil) {
				t.Fatalf("parsed %+v, version %q; want %+v, %q", r, version, tc.want, tc.version)
			}
		})
	}
}

func TestTorchScriptGiven(t *testing.T) {
	if _, _, err := TorchScript(Options{Torch: "/nonexistent/torch_unet.py"}); err == nil || !strings.Contains(err.Error(), "--torch") {
		t.Fatalf("err = %v, want a --torch error", err)
	}
}

// FuzzParseTorchResult feeds arbitrary script output to the RESULT parser: it must never
// panic, and a parsed result must have consistent fields.
func FuzzParseTorchResult(f *testing.F) {
	f.Add("RESULT torch 1.13.0a0 threads=2 dims=2 median_step_s=0.492 min=0.480 max=0.530 n=5\n")
	f.Add("step 0: 1s\nRESULT torch x threads=1 dims=3 median_step_s=1e400 min=0 max=0 n=99999999999999999999\n")
	f.Add("")
	f.Add("RESULT torch 1.13.0a0 threads=2 dims=2 median_step_s=2.5 min=2 max=3 n=3 params_generator=482463 params_discriminator=2765505\n")
	f.Fuzz(func(t *testing.T, out string) {
		r, version, err := ParseTorchResult(out)
		if err != nil {
			return
		}
		for _, n := range r.Params {
			if n < 0 {
				t.Fatalf("negative parameter count from %q: %v", out, r.Params)
			}
		}
		if version == "" || r.N < 0 || r.Median < 0 || r.Min < 0 || r.Max < 0 {
			t.Fatalf("inconsistent parse of %q: %+v version %q", out, r, version)
		}
	})
}
