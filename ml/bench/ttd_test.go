package bench

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestTTDOptionsResolve(t *testing.T) {
	cases := []struct {
		name     string
		o        TTDOptions
		perImage int
		wantErr  string
	}{
		{name: "defaults", o: TTDOptions{}, perImage: 7},
		{name: "every 3 steps", o: TTDOptions{EvalEvery: 3}, perImage: 1},
		{name: "batch 4 every 6", o: TTDOptions{Batch: 4, EvalEvery: 6}, perImage: 1},
		{name: "every 20 steps is no whole epoch", o: TTDOptions{EvalEvery: 20}, wantErr: "--eval-every 20"},
		{name: "crop not multiple of 4", o: TTDOptions{Crop: 30}, wantErr: "--crop 30"},
		{name: "crop larger than the images", o: TTDOptions{Crop: 512}, wantErr: "--crop 512"},
		{name: "negative budget", o: TTDOptions{MaxTrainS: -1}, wantErr: "--max-train-s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			err := o.Resolve()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := o.PerImage(); got != tc.perImage {
				t.Errorf("PerImage = %d, want %d", got, tc.perImage)
			}
		})
	}
}

// fakeNow is a clock that advances by the given seconds at each call.
func fakeNow(steps ...float64) func() time.Time {
	t := time.Unix(0, 0)
	i := 0
	return func() time.Time {
		if i > 0 && i-1 < len(steps) {
			t = t.Add(time.Duration(steps[i-1] * float64(time.Second)))
		}
		i++
		return t
	}
}

func TestTTDClock(t *testing.T) {
	// start; step 1 after 2 s (start-up included), step 2 after 1 s, validation
	// after 0.5 s (excluded from training), step 3 after 1 s, validation after
	// 0.5 s, result 0 s later.
	c := newTTDClock(DiceTargets(), fakeNow(2, 1, 0.5, 1, 0.5, 0))
	c.Step(1)
	c.Step(2)
	if done := c.Validated(2, 0.85); done {
		t.Fatal("done after Dice 0.85")
	}
	c.Step(3)
	if done := c.Validated(3, 0.96); !done {
		t.Fatal("not done after Dice 0.96")
	}
	r := c.Result()
	want := map[string]Reached{"0.8": {2, 3, 3.5}, "0.9": {3, 4, 5}, "0.95": {3, 4, 5}}
	for k, w := range want {
		if got := r.Reached[k]; got != w {
			t.Errorf("Reached[%s] = %+v, want %+v", k, got, w)
		}
	}
	if r.Steps != 3 || r.TrainS != 4 || r.WallS != 5 || r.StartS != 2 || r.MedianStepS != 1 || r.Best != 0.96 {
		t.Errorf("result %+v", r)
	}
}

func TestParseTTDJSONAndRatios(t *testing.T) {
	b, err := os.ReadFile("testdata/ttd_torch.json")
	if err != nil {
		t.Fatal(err)
	}
	torch, err := ParseTTDJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if torch.Steps != 63 || torch.EvalEvery != 21 || torch.Reached["0.95"].WallS != 33.8 {
		t.Fatalf("parsed %+v", torch)
	}
	ours := TTDResult{Reached: map[string]Reached{"0.8": {21, 8, 11.05}, "0.9": {42, 16, 16.9}}}
	got := TTDRatios(ours, torch)
	want := map[string]float64{"0.8": 0.5, "0.9": 0.5}
	if len(got) != len(want) {
		t.Fatalf("ratios %v, want %v", got, want)
	}
	for k, w := range want {
		if d := got[k] - w; d > 1e-9 || d < -1e-9 {
			t.Errorf("ratio %s = %v, want %v", k, got[k], w)
		}
	}
	line := FormatTTD("ours", ours)
	for _, s := range []string{"dice0.8=step 21/8.0s/11.1s", "dice0.95=-"} {
		if !strings.Contains(line, s) {
			t.Errorf("%q lacks %q", line, s)
		}
	}
	if _, err := ParseTTDJSON([]byte(`{"steps": 0}`)); err == nil {
		t.Error("no error for a run without steps")
	}
}
