package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const holdEnv = "IM2IM_STORE_HOLD_DIR"

// TestHoldChild is the child process of TestOpenInUse: it opens the store,
// says "ready" and holds it until its stdin closes. It does nothing unless
// started by TestOpenInUse.
func TestHoldChild(t *testing.T) {
	dir := os.Getenv(holdEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestOpenInUse")
	}
	s, err := Open(dir, Options{ReadOnly: os.Getenv(holdEnv+"_RO") != ""})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	s.Close()
	os.Exit(0)
}

// TestOpenInUse: while another process holds a store (writing or only
// reading), Open fails at once, read-only or not, with an error naming the
// directory and matching ErrInUse; after that process ends, Open works. A
// second Open in one process is refused the same way.
func TestOpenInUse(t *testing.T) {
	for _, tc := range []struct {
		name          string
		childReadOnly bool
		readOnly      bool
	}{
		{"writer holds, reader opens", false, true},
		{"writer holds, writer opens", false, false},
		{"reader holds, reader opens", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(dir, Options{}) // create it
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHoldChild$")
			cmd.Env = append(os.Environ(), holdEnv+"="+dir)
			if tc.childReadOnly {
				cmd.Env = append(cmd.Env, holdEnv+"_RO=1")
			}
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, _ := bufio.NewReader(stdout).ReadString('\n')
			if strings.TrimSpace(line) != "ready" {
				stdin.Close()
				cmd.Wait()
				t.Fatalf("child: %q", line)
			}
			_, err = Open(dir, Options{ReadOnly: tc.readOnly})
			stdin.Close()
			if werr := cmd.Wait(); werr != nil {
				t.Errorf("child: %v", werr)
			}
			if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "store "+dir+" is in use by another process") {
				t.Fatalf("Open while held elsewhere: %v", err)
			}
			s, err = Open(dir, Options{ReadOnly: tc.readOnly})
			if err != nil {
				t.Fatalf("Open after the other process ended: %v", err)
			}
			s.Close()
		})
	}
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = Open(dir, Options{ReadOnly: true})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "store "+dir+" is already open in this process") {
		t.Errorf("second Open in one process: %v", err)
	}
	// Not a lock problem: a missing directory opened read-only.
	_, err = Open(dir+"-missing", Options{ReadOnly: true})
	if err == nil || errors.Is(err, ErrInUse) {
		t.Errorf("missing store: %v", err)
	}
}
