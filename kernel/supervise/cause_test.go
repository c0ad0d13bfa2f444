package supervise

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCause names the cause of real crash reports of the Go runtime (testdata:
// what debug.SetCrashOutput received from a program that crashed so) and of
// signals and exit statuses.
func TestCause(t *testing.T) {
	report := func(name string) []byte {
		if name == "" {
			return nil
		}
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name   string
		report string // testdata file
		inline string
		status int
		signal syscall.Signal
		want   string
	}{
		{name: "allocation larger than memory", report: "oom.txt", status: 2, want: "out of memory"},
		{name: "stack overflow of compiled code", report: "stack.txt", status: 2, want: "stack overflow"},
		{name: "concurrent map writes", report: "map.txt", status: 2, want: "concurrent map access"},
		{name: "panic in a goroutine", report: "panic.txt", status: 2, want: "panic: boom in a goroutine"},
		{name: "segmentation fault", report: "segv.txt", status: 2, want: "SIGSEGV: segmentation violation"},
		{name: "abort", report: "abort.txt", status: 2, want: "SIGABRT: abort"},
		{name: "nested panics", inline: "panic: first [recovered]\n\tpanic: second\n\ngoroutine 1 [running]:\n", status: 2, want: "panic: second"},
		{name: "fatal error line", inline: "fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\n", status: 2, want: "out of memory"},
		{name: "SIGKILL", status: -1, signal: syscall.SIGKILL, want: "killed by signal 9 (SIGKILL: out of memory?"},
		{name: "SIGTERM", status: -1, signal: syscall.SIGTERM, want: "killed by signal 15 (SIGTERM)"},
		{name: "os.Exit", status: 3, want: "exit status 3 (os.Exit?)"},
		{name: "os.Exit(0)", status: 0, want: "exit status 0 (os.Exit?)"},
		{name: "unknown report", inline: "something\n", status: 2, want: "exit status 2 (a fatal error of the Go runtime"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := report(tc.report)
			if tc.inline != "" {
				rep = []byte(tc.inline)
			}
			e := &Exit{Status: tc.status, Signal: tc.signal, Report: rep}
			if got := e.Cause(); !strings.HasPrefix(got, tc.want) {
				t.Errorf("cause %q, want it to begin %q", got, tc.want)
			}
			if !e.Crashed() || e.Code() != 1 {
				t.Errorf("crashed %v, code %d", e.Crashed(), e.Code())
			}
		})
	}
}
