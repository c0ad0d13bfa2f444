package im2im

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/im2im/im2im/ml/train"
)

func TestTerminalProgress(t *testing.T) {
	var b bytes.Buffer
	l := &live{run: &Run{Dir: "runs/x", Config: Config{}.Resolved()}, enabled: true, out: &b}
	for s := 1; s <= 4; s++ {
		l.progress(train.Progress{Phase: "train", Epoch: 1 + (s-1)/2, Epochs: 2, Step: s, Steps: 4, Loss: 1 / float64(s), ETA: time.Second})
		if s == 2 {
			l.progress(train.Progress{Phase: "val", Epoch: 1, Epochs: 2, Val: map[string]float64{"loss": 0.5}, Best: true})
		}
	}
	l.finish(nil)
	got := b.String()
	// Step 1 draws the bar; steps 2 and 3 come within a second (skipped); the
	// last step always draws; validation and the end print a line each.
	want := []string{
		"[######..................] epoch 1/2 step 1/4 loss 1",
		"epoch 1/2 val loss 0.5 (best)",
		"[########################] epoch 2/2 step 4/4 loss 0.25",
		"done: runs/x",
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
