package kernel

import (
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// deadPID returns the id of a process that has exited (and been reaped).
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// Pipe folders of processes that are gone are removed; live ones, ones with
// no owner (older im2im, or being set up) and unreadable owners are kept.
func TestRemoveStaleGonbDirs(t *testing.T) {
	tmp := t.TempDir()
	dead := deadPID(t)
	cases := []struct {
		name  string
		owner string // "" writes no owner file
		kept  bool
	}{
		{"im2im-gonb-dead", strconv.Itoa(dead), false},
		{"im2im-gonb-live", strconv.Itoa(os.Getppid()), true}, // the parent: alive,
		{"im2im-gonb-self", strconv.Itoa(os.Getpid()), true},
		{"im2im-gonb-ownerless", "", true},
		{"im2im-gonb-garbage", "not a pid", true},
		{"other-dead", strconv.Itoa(dead), true}, // not ours
	}
	for _, tc := range cases {
		d := filepath.Join(tmp, tc.name)
		if err := os.MkdirAll(filepath.Join(d, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if tc.owner != "" {
			if err := os.WriteFile(filepath.Join(d, gonbOwner), []byte(tc.owner+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := removeStaleGonbDirs(tmp, log.New(io.Discard, "", 0)); n != 1 {
		t.Errorf("removed %d folders, want 1", n)
	}
	for _, tc := range cases {
		_, err := os.Stat(filepath.Join(tmp, tc.name))
		if kept := err == nil; kept != tc.kept {
			t.Errorf("%s: kept %v, want %v", tc.name, kept, tc.kept)
		}
	}
}
