package im2im

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// captureStderr runs f with os.Stderr going into a pipe and returns what f
// wrote there.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stderr
	os.Stderr = w
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	defer func() { os.Stderr = old }()
	f()
	w.Close()
	return <-got
}

// Training says what it does before the first step: the store build (a line
// per tenth off a terminal, or that everything was stored), and for
// trainer.resume whether a checkpoint was found.
func TestTrainSaysResumeAndStoreBuild(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	root := t.TempDir()
	for _, tc := range []struct {
		name    string
		resume  bool
		want    []string
		notWant string
	}{
		{"first run", false, []string{"patch store " + root + "/.store: 4 of 4 samples to store (0/4)", "patch store " + root + "/.store: 4/4"}, "resum"},
		{"resume without checkpoint", true, []string{"no checkpoint in " + root + "/fresh; starting fresh", "patch store " + root + "/.store: all 4 samples already stored"}, "4/4"},
		{"resume with checkpoint", true, []string{"resuming " + root + "/fresh from checkpoints/last.ckpt"}, "starting fresh"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tinySeg(data, root)
			c.Trainer.Epochs, c.Trainer.Quiet = 1, false
			c.Trainer.Name, c.Trainer.Resume = "", tc.resume
			if tc.resume {
				c.Trainer.Name = "fresh"
			}
			var err error
			out := captureStderr(t, func() { _, err = Train(c.Data, c.Model, c.Trainer) })
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("stderr lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, tc.notWant) {
				t.Errorf("stderr has %q:\n%s", tc.notWant, out)
			}
		})
	}
}
