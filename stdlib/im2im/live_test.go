package im2im

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/im2im/im2im/ml/train"
	"github.com/im2im/im2im/stdlib/display"
)

func TestTerminalProgress(t *testing.T) {
	var b bytes.Buffer
	dir := t.TempDir()
	l := &live{run: &Run{Dir: dir, Config: Config{}.Resolved()}, enabled: true, out: &b, hasVal: true}
	for s := 1; s <= 4; s++ {
		l.progress(train.Progress{Phase: "train", Epoch: 1 + (s-1)/2, Epochs: 2, Step: s, Steps: 4, Loss: 1 / float64(s), EpochLoss: 0.75, LR: 0.01, ETA: time.Second})
		if s == 2 {
			l.progress(train.Progress{Phase: "val", Epoch: 1, Epochs: 2, Val: map[string]float64{"loss": 0.5}, Best: true})
		}
	}
	l.finish(nil)
	got := b.String()
	// Step 1 draws the bar; the last step of an epoch prints the epoch's line
	// (and the next step draws the bar again); validation and the end print a
	// line each.
	want := []string{
		"[######..................] epoch 1/2 step 1/4 loss 1",
		"epoch 1/2 train loss 0.75 lr 0.01",
		"epoch 1/2 val loss 0.5 (best)",
		"[##################......] epoch 2/2 step 3/4 loss 0.3333",
		"epoch 2/2 train loss 0.75 lr 0.01",
		"done: " + dir,
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s", got)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d %q, want prefix %q", i, lines[i], w)
		}
	}
	quiet := &live{run: l.run, enabled: false, out: &b}
	b.Reset()
	quiet.progress(train.Progress{Phase: "train", Step: 1, Steps: 1})
	quiet.finish(nil)
	if b.Len() != 0 {
		t.Errorf("quiet run printed %q", b.String())
	}
}

// TestEveryEpochReported: whatever the validation schedule, every epoch prints
// its line with its training loss, and metrics.csv holds every finished epoch
// (validated ones with their values) as soon as it ends.
func TestEveryEpochReported(t *testing.T) {
	tests := []struct {
		name     string
		hasVal   bool
		valEvery int
		// validated epochs (ml/train validates every val_every epochs and after the last)
		validated map[int]bool
	}{
		{"every epoch", true, 1, map[int]bool{1: true, 2: true, 3: true}},
		{"val_every 2", true, 2, map[int]bool{2: true, 3: true}},
		{"no validation data", false, 1, map[int]bool{}},
	}
	const epochs, perEpoch = 3, 2
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			dir := t.TempDir()
			cfg := Config{Trainer: Trainer{Epochs: epochs, ValEvery: tc.valEvery}}.Resolved()
			l := &live{run: &Run{Dir: dir, Config: cfg}, enabled: true, out: &b, hasVal: tc.hasVal}
			csv := filepath.Join(dir, "metrics.csv")
			for e := 1; e <= epochs; e++ {
				for i := 1; i <= perEpoch; i++ {
					step := (e-1)*perEpoch + i
					l.progress(train.Progress{Phase: "train", Epoch: e, Epochs: epochs, Step: step, Steps: epochs * perEpoch,
						Loss: 1, EpochLoss: float64(e) / 10, LR: 0.5})
				}
				if tc.validated[e] {
					l.progress(train.Progress{Phase: "val", Epoch: e, Epochs: epochs, Val: map[string]float64{"loss": float64(e), "dice": 0.5}})
				}
				// The file is complete after every epoch: a killed run keeps it.
				rows, err := os.ReadFile(csv)
				if err != nil {
					t.Fatalf("after epoch %d: %v", e, err)
				}
				lines := strings.Split(strings.TrimSpace(string(rows)), "\n")
				if len(lines) != 1+e {
					t.Fatalf("after epoch %d metrics.csv:\n%s", e, rows)
				}
				last := lines[e]
				wantPrefix := fmt.Sprintf("%d,%g,0.5", e, float64(e)/10)
				if !strings.HasPrefix(last, wantPrefix) {
					t.Errorf("epoch %d row %q, want prefix %q", e, last, wantPrefix)
				}
				if tc.validated[e] != strings.HasSuffix(last, fmt.Sprintf(",%g,0.5", float64(e))) {
					t.Errorf("epoch %d row %q (validated %v); header %q", e, last, tc.validated[e], lines[0])
				}
			}
			l.progress(train.Progress{Phase: "done", Epoch: epochs, Epochs: epochs, Step: epochs * perEpoch, Steps: epochs * perEpoch})
			l.finish(nil)
			out := b.String()
			for e := 1; e <= epochs; e++ {
				w := fmt.Sprintf("epoch %d/%d train loss %g lr 0.5\n", e, epochs, float64(e)/10)
				if strings.Count(out, w) != 1 {
					t.Errorf("want one line %q:\n%s", w, out)
				}
			}
			if n := strings.Count(out, " val "); n != len(tc.validated) {
				t.Errorf("%d validation lines, want %d:\n%s", n, len(tc.validated), out)
			}
			if tmp, _ := filepath.Glob(filepath.Join(dir, ".metrics.csv.tmp-*")); len(tmp) != 0 {
				t.Errorf("temporary files left: %v", tmp)
			}
		})
	}
}

// The notebook panel is plain HTML that Jupyter Notebook shows alike in the
// running cell and in a saved, untrusted notebook (whose sanitizer mangles
// style attributes), with a short text/plain beside it.
func TestNotebookPanelHTML(t *testing.T) {
	var last display.Data
	detach := display.Attach(context.Background(), func(d display.Data) { last = d })
	defer detach()
	dir := t.TempDir()
	l := &live{run: &Run{Dir: dir, Config: Config{}.Resolved()}, enabled: true, notebook: true, handle: display.NewHandle(), hasVal: true}
	for s := 1; s <= 4; s++ {
		l.progress(train.Progress{Phase: "train", Epoch: 1 + (s-1)/2, Epochs: 2, Step: s, Steps: 4, Loss: 1 / float64(s), EpochLoss: 0.75, LR: 0.01})
	}
	l.progress(train.Progress{Phase: "val", Epoch: 2, Epochs: 2, Val: map[string]float64{"loss": 0.5, "dice": 0.9}})
	l.progress(train.Progress{Phase: "done", Epoch: 2, Epochs: 2, Step: 4, Steps: 4})
	l.finish(nil)
	page, _ := last.MIME["text/html"].(string)
	text, _ := last.MIME["text/plain"].(string)
	for _, c := range []struct {
		what string
		ok   bool
	}{
		{"a progress bar", strings.Contains(page, `<progress value="4" max="4">`)},
		{"the curves", strings.Contains(page, "data:image/png;base64,")},
		{"no style attribute", !strings.Contains(page, "style=")},
		{"text/plain of a few lines without HTML", strings.Count(text, "\n") < 5 && !strings.Contains(text, "<")},
		{"the validation in text/plain", strings.Contains(text, "validation after epoch 2: loss 0.5 dice 0.9")},
		{"the run named once", strings.Count(page, dir) == 1 && strings.Count(text, dir) == 1 && strings.HasSuffix(text, "\ndone")},
	} {
		if !c.ok {
			t.Errorf("panel lacks %s:\n%s\n%s", c.what, text, page[:min(len(page), 300)])
		}
	}
}
