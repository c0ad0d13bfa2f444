package bench

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// denoise3DScript is torch_ttd_denoise3d.py, the PyTorch side of `bench ttd3d`.
//
//go:embed torch_ttd_denoise3d.py
var denoise3DScript []byte

// TorchDenoise3D runs the built-in torch_ttd_denoise3d.py on the prepared data
// (PrepareDenoise3DData) with o's settings and targets t, and returns what it
// recorded (with its parameter count and CPU seconds). env adds environment
// variables (e.g. INIT=he).
func TorchDenoise3D(w io.Writer, o Denoise3DOptions, t Targets, env ...string) (TTDResult, error) {
	dir, err := os.MkdirTemp("", "im2im-ttd3d-")
	if err != nil {
		return TTDResult{}, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "torch_ttd_denoise3d.py")
	if err := os.WriteFile(script, denoise3DScript, 0o644); err != nil {
		return TTDResult{}, err
	}
	out := filepath.Join(o.Dir, "torch3d.json")
	stop := "1"
	if o.NoStop {
		stop = "0"
	}
	var targets []string
	for i, k := range t.Keys {
		targets = append(targets, k+":"+strconv.FormatFloat(t.Values[i], 'f', 4, 64))
	}
	_, cpu, err := runScript(w, o.Python, env, script, o.DataDir(), joinInts(o.Patch), strconv.Itoa(o.PerImage), strconv.Itoa(o.Batch),
		strconv.FormatFloat(o.LR, 'g', -1, 64), strconv.FormatFloat(o.MaxTrainS, 'f', -1, 64), out, strconv.Itoa(o.Seed), stop,
		strings.Join(targets, ","), strconv.Itoa(o.Threads))
	if err != nil {
		return TTDResult{}, err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return TTDResult{}, err
	}
	r, err := ParseDenoise3DJSON(b)
	r.CPUS = cpu
	return r, err
}

// ParseDenoise3DJSON reads the JSON that torch_ttd_denoise3d.py writes.
func ParseDenoise3DJSON(b []byte) (TTDResult, error) {
	var x struct {
		TTDResult
		Best   *float64 `json:"best_val_psnr"`
		Params int64    `json:"params"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return TTDResult{}, fmt.Errorf("torch_ttd_denoise3d.py result: %w", err)
	}
	r := x.TTDResult
	if r.Steps == 0 || x.Params == 0 || x.Best == nil {
		return r, fmt.Errorf("torch_ttd_denoise3d.py result: no steps, parameter count or validation recorded")
	}
	r.Best, r.Params = *x.Best, x.Params
	if r.Reached == nil {
		r.Reached = map[string]Reached{}
	}
	return r, nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}
