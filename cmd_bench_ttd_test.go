package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/bench"
)

// TestBenchTTDOursTiny trains our side of `bench ttd` on 24 + 8 small
// synthetic nuclei images (32² crops, validation on the whole 64² images every
// 3 steps) through the command's path, and checks that it learns.
func TestBenchTTDOursTiny(t *testing.T) {
	dir := t.TempDir()
	o := bench.TTDOptions{Dir: dir, Crop: 32, EvalEvery: 3, MaxTrainS: 20, Backend: "im2im-fast"}
	if err := o.Resolve(); err != nil {
		t.Fatal(err)
	}
	for split, n := range map[string]int{o.TrainDir(): bench.TTDTrainImages, o.ValDir(): bench.TTDValImages} {
		seed := uint64(len(split))
		if _, err := synth.Write(split, synth.Semantic, n, synth.Options{Shape: []int{64, 64}, MinRadius: 4, MaxRadius: 8, Seed: seed}); err != nil {
			t.Fatal(err)
		}
	}
	c, path, err := ttdYAML(o, []string{"data.workers=1"})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "ttd.yaml" || c.Data.Workers != 1 {
		t.Fatalf("config %s: workers %d", path, c.Data.Workers)
	}
	var buf bytes.Buffer
	res, err := oursTTD(context.Background(), &buf, o, c)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if res.Params != 117090 || res.Steps < 3 || res.EvalEvery != 3 {
		t.Errorf("result %+v", res)
	}
	if _, ok := res.Reached["0.8"]; !ok {
		t.Errorf("validation Dice never reached 0.8 in %d steps (best %.3f):\n%s", res.Steps, res.Best, buf.String())
	}
}

// TestBenchTTDBadOptions: options TTDOptions.Resolve refuses are bad input (exit code 2).
func TestBenchTTDBadOptions(t *testing.T) {
	cmd := newBenchTTDCmd()
	cmd.SetArgs([]string{"--eval-every", "20"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	if exitCode(err) != exitBadInput || !strings.Contains(err.Error(), "--eval-every 20") {
		t.Fatalf("err = %v (exit %d), want an --eval-every error with exit code 2", err, exitCode(err))
	}
}
