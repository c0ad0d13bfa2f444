package supervise

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// childModeEnv makes the test binary act as a supervised child (TestMain).
const childModeEnv = "SUPERVISE_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childModeEnv); mode != "" {
		actAsChild(mode)
	}
	os.Exit(m.Run())
}

// actAsChild reports a cell, then ends as mode says.
func actAsChild(mode string) {
	if mode == "stall" {
		// A crash report that begins and never ends (the runtime blocked on fd 2).
		os.NewFile(4, "crash").Write([]byte("fatal error: stuck\n"))
		time.Sleep(time.Minute)
	}
	rep, err := FromEnv()
	if err != nil || rep == nil {
		fmt.Fprintln(os.Stderr, "not supervised:", err)
		os.Exit(9)
	}
	if os.Getenv(Env) != "" {
		fmt.Fprintln(os.Stderr, Env, "still set")
		os.Exit(9)
	}
	rep.Send(Event{Kind: KindCell, Cell: 3, Count: 2})
	switch mode {
	case "exit":
		rep.Exit(4)
		os.Exit(4)
	case "oom":
		x := make([]byte, 1<<40)
		fmt.Println(len(x))
	case "kill":
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			p.Kill()
		}
	case "osexit":
		os.Exit(3)
	case "panic":
		go func() { panic("boom in a goroutine") }()
	}
	time.Sleep(10 * time.Second)
	os.Exit(8)
}

// TestChild runs the test binary as a supervised child that reports a cell and
// then ends on purpose or crashes; the parent gets the event and the cause.
func TestChild(t *testing.T) {
	crashGrace = 300 * time.Millisecond
	for _, tc := range []struct {
		mode    string
		crashed bool
		code    int
		cause   string
	}{
		{"exit", false, 4, ""},
		{"oom", true, 1, "out of memory"},
		{"kill", true, 1, "killed by signal 9"},
		{"osexit", true, 1, "exit status 3"},
		{"panic", true, 1, "panic: boom in a goroutine"},
		{"stall", true, 1, "stuck (the process stalled writing its crash report and was killed)"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			c, err := Start(os.Args[0], []string{"-test.run=^$"}, append(os.Environ(), childModeEnv+"="+tc.mode), os.Stderr)
			if err != nil {
				t.Fatal(err)
			}
			var got []Event
			for ev := range c.Events() {
				got = append(got, ev)
			}
			e := c.Wait()
			if tc.mode == "stall" {
				if !e.Stalled || e.Signal == 0 || len(got) != 0 {
					t.Errorf("stalled %v signal %v events %v", e.Stalled, e.Signal, got)
				}
			} else if len(got) == 0 || got[0].Kind != KindCell || got[0].Cell != 3 || got[0].Count != 2 {
				t.Errorf("events %+v", got)
			}
			if e.Crashed() != tc.crashed || e.Code() != tc.code {
				t.Errorf("crashed %v code %d, want %v %d", e.Crashed(), e.Code(), tc.crashed, tc.code)
			}
			if tc.crashed && !strings.Contains(e.Cause(), tc.cause) {
				t.Errorf("cause %q, want %q", e.Cause(), tc.cause)
			}
		})
	}
}
