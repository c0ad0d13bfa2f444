package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/ml/bench"
)

// TestBenchTTD3DOursTiny trains our side of `bench ttd3d` on 4 + 1 small
// synthetic volumes (16×32×32, patches 8×16×16, validation on the whole
// held-out volume every epoch of 4 steps) through the command's path, and
// checks that it denoises: +4 dB PSNR over the noisy input.
func TestBenchTTD3DOursTiny(t *testing.T) {
	o := bench.Denoise3DOptions{Dir: t.TempDir(), Train: 4, Val: 1, Volume: []int{16, 32, 32}, Patch: []int{8, 16, 16},
		PerImage: 2, Batch: 2, Gains: []float64{4}, MaxTrainS: 30, Backend: "im2im-fast"}
	if err := o.Resolve(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	d, err := bench.PrepareDenoise3DData(&buf, o)
	if err != nil {
		t.Fatal(err)
	}
	c, path, err := benchYAML(filepath.Join(o.Dir, "ttd3d.yaml"), denoise3DConfig(o), []string{"data.workers=1"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Data.Workers != 1 || !c.Data.Patch.ValWhole {
		t.Fatalf("config %s: workers %d, val_whole %v", path, c.Data.Workers, c.Data.Patch.ValWhole)
	}
	targets := bench.GainTargets("psnr", d.NoisyPSNR, o.Gains)
	res, err := trainTTD(context.Background(), &buf, ttdRun{threads: 2, backend: o.Backend, maxTrainS: o.MaxTrainS,
		evalEvery: o.EvalEvery(), input: append([]int{1, 1}, o.Patch...), targets: targets}, c)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if res.Params != 339259 || res.EvalEvery != 4 {
		t.Errorf("result %+v", res)
	}
	if _, ok := res.Reached["+4dB"]; !ok {
		t.Errorf("val PSNR never reached %.2f dB (noisy %.2f) in %d steps (best %.2f):\n%s", targets.Values[0], d.NoisyPSNR, res.Steps, res.Best, buf.String())
	}
}

// TestBenchTTD3DBadOptions: options Resolve refuses, and an unknown
// --torch-init, are bad input (exit code 2).
func TestBenchTTD3DBadOptions(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--patch", "16,30,30"}, "--patch [16 30 30]"},
		{[]string{"--gains", "5,4"}, "--gains [5 4]"},
		{[]string{"--torch-init", "xavier"}, `--torch-init "xavier"`},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			cmd := newBenchTTD3DCmd()
			cmd.SetArgs(tc.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if exitCode(err) != exitBadInput || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (exit %d), want one naming %q with exit code 2", err, exitCode(err), tc.want)
			}
		})
	}
}
