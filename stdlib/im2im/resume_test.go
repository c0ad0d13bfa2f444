package im2im

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/stdlib/display"
)

// captureOutput runs f with os.Stdout and os.Stderr going into pipes and
// returns what f wrote to each.
func captureOutput(t *testing.T, f func()) (stdout, stderr string) {
	t.Helper()
	files := []**os.File{&os.Stdout, &os.Stderr}
	got := make([]chan string, len(files))
	for i, fp := range files {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		old := *fp
		*fp = w
		defer func() { *fp = old }()
		defer w.Close()
		got[i] = make(chan string, 1)
		go func(c chan string) {
			b, _ := io.ReadAll(r)
			c <- string(b)
		}(got[i])
	}
	f()
	for _, fp := range files {
		(*fp).Close()
	}
	return <-got[0], <-got[1]
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
			_, out := captureOutput(t, func() { _, err = Train(c.Data, c.Model, c.Trainer) })
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

// In a notebook cell the store build is one line on stdout: Jupyter shows
// stderr as an error box.
func TestStoreNoteInCellOnStdout(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	c := tinySeg(data, t.TempDir())
	c.Trainer.Epochs, c.Trainer.Quiet = 1, false
	var published int
	detach := display.Attach(context.Background(), func(display.Data) { published++ })
	var err error
	stdout, stderr := captureOutput(t, func() { _, err = Train(c.Data, c.Model, c.Trainer) })
	detach()
	if err != nil {
		t.Fatal(err)
	}
	want := "patch store " + c.Trainer.Root + "/.store: 4 of 4 samples stored now\n"
	if stdout != want || strings.Contains(stderr, "patch store") || published == 0 {
		t.Errorf("stdout %q (want %q), stderr %q, %d displays", stdout, want, stderr, published)
	}
}
