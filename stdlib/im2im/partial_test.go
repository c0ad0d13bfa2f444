package im2im

import (
	"context"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

func TestPartialValidation(t *testing.T) {
	data := synthDir(t, synth.Semantic, 2)
	for _, tc := range []struct {
		p    Partial
		want string // "" for valid
	}{
		{Partial{}, ""},
		{Partial{Fraction: 0.5}, ""},
		{Partial{Fraction: 1, Replace: 0.2, Every: 1}, ""},
		{Partial{Fraction: -0.1}, "data.partial.fraction: must be in (0, 1]"},
		{Partial{Fraction: 1.5}, "data.partial.fraction: must be in (0, 1]"},
		{Partial{Fraction: 0.5, Replace: 2}, "data.partial.replace: must be in (0, 1]"},
		{Partial{Fraction: 0.5, Every: -1}, "data.partial.every: must not be negative"},
		{Partial{Every: 3}, "data.partial.fraction: missing"},
	} {
		c := tinySeg(data, t.TempDir())
		c.Data.Partial = tc.p
		err := c.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.p, err, tc.want)
		}
	}
	c, err := ParseConfig("cfg", "data: {path: "+data+"}\n", "--data.partial.fraction=0.25", "--data.partial.every=3")
	if err != nil || c.Data.Partial != (Partial{Fraction: 0.25, Every: 3}) {
		t.Errorf("overrides: %+v %v", c.Data.Partial, err)
	}
	if _, err := ParseConfig("cfg", "data: {path: "+data+", partial: {fration: 0.5}}\n"); err == nil || !strings.Contains(err.Error(), `data.partial.fration: unknown key; did you mean "fraction"?`) {
		t.Errorf("unknown key: %v", err)
	}
}

// epochIDs returns the sorted distinct sample IDs a loader's epoch visits.
func epochIDs(t *testing.T, p *pipeline, r Config, epoch int) []string {
	t.Helper()
	ld, _, err := trainLoader(p, r)
	if err != nil {
		t.Fatal(err)
	}
	e := ld.Epoch(context.Background(), epoch)
	defer e.Close()
	seen := map[string]bool{}
	for {
		b, err := e.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range b.IDs {
			seen[id] = true
		}
	}
	var out []string
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// With data.partial the training loader visits ceil(fraction × images) images
// per epoch, the same ones within a round of `every` epochs, and replaces
// ceil(replace × kept) of them at each new round; a tiny run takes the
// matching number of steps.
func TestPartialLoader(t *testing.T) {
	data := synthDir(t, synth.Semantic, 8)
	c := tinySeg(data, t.TempDir())
	c.Data.Augment = nil
	c.Data.Partial = Partial{Fraction: 0.5, Replace: 0.3, Every: 2}
	r := c.Resolved()
	p, err := preparePipeline(context.Background(), r, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	train := map[string]bool{}
	for _, s := range p.Dataset.Train {
		train[s.ID] = true
	}
	if len(train) != 6 {
		t.Fatalf("%d training images, want 6", len(train))
	}
	e0, e1, e2 := epochIDs(t, p, r, 0), epochIDs(t, p, r, 1), epochIDs(t, p, r, 2)
	full := r
	full.Data.Partial = Partial{}
	all := epochIDs(t, p, full, 0)
	p.Close()
	if len(all) != 6 {
		t.Errorf("without partial an epoch visits %v, want all 6", all)
	}
	for _, ids := range [][]string{e0, e1, e2} {
		for _, id := range ids {
			if !train[id] {
				t.Errorf("visited %s, not a training image", id)
			}
		}
	}
	// ceil(0.5 × 6) = 3 kept; ceil(0.3 × 3) = 1 replaced every 2 epochs.
	if len(e0) != 3 || strings.Join(e0, ",") != strings.Join(e1, ",") {
		t.Errorf("round 0: epoch 0 visits %v, epoch 1 %v; want the same 3", e0, e1)
	}
	common := 0
	for _, id := range e2 {
		for _, o := range e0 {
			if id == o {
				common++
			}
		}
	}
	if len(e2) != 3 || common != 2 {
		t.Errorf("epoch 2 visits %v (%d in common with epoch 0 %v), want 3 with 2 kept", e2, common, e0)
	}

	// A training run: 3 images × 2 patches / batch 2 = 3 steps per epoch (6 without).
	c.Trainer.Epochs = 2
	run, err := Train(c.Data, c.Model, c.Trainer)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(run.StepLosses()); n != 6 {
		t.Errorf("%d steps in 2 epochs, want 6", n)
	}
	c.Data.Partial = Partial{Fraction: 0.1}
	c.Trainer.BatchSize = 4
	c.Trainer.Name = "small"
	if _, err := Train(c.Data, c.Model, c.Trainer); err == nil || !strings.Contains(err.Error(), "data.partial.fraction: 1 of 6 training images × 2 patches make no full batch") {
		t.Errorf("too small a part: %v", err)
	}
}

// TestPartialResolved: the resolved config (the run's config.yaml) states the defaults
// partial loading uses, and leaves it off when no fraction is set.
func TestPartialResolved(t *testing.T) {
	for _, tc := range []struct{ in, want Partial }{
		{Partial{}, Partial{}},
		{Partial{Fraction: 0.5}, Partial{Fraction: 0.5, Replace: 1, Every: 5}},
		{Partial{Fraction: 0.5, Replace: 0.2, Every: 2}, Partial{Fraction: 0.5, Replace: 0.2, Every: 2}},
	} {
		got := Config{Data: Data{Partial: tc.in}}.Resolved().Data.Partial
		if got != tc.want {
			t.Errorf("%+v resolves to %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
