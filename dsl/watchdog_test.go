package dsl

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestWatchdog runs cells that would crash the process (runaway recursion,
// unbounded allocation) and wants a cell error of the right kind, then a
// session that still runs cells.
func TestWatchdog(t *testing.T) {
	for _, tc := range []struct {
		name, cell, want, msg string
		limits                Limits
	}{
		{"recursion", "func rec(n int) int { return rec(n+1) + 1 }\nrec(0)", ErrStackOverflow, "stack overflow", Limits{Stack: 64 << 20}},
		{"heap", "{ var keep [][]byte; for { keep = append(keep, make([]byte, 16<<20)) } }", ErrOutOfMemory, "out of memory", Limits{Heap: 256 << 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New()
			if err != nil {
				t.Fatal(err)
			}
			s.SetLimits(tc.limits)
			_, err = s.Execute(context.Background(), tc.cell, DiscardSink{})
			var e *Error
			if !errors.As(err, &e) || e.Name != tc.want || !strings.Contains(e.Msg, tc.msg) {
				t.Fatalf("got %v, want a %s error", err, tc.want)
			}
			res, err := s.Execute(context.Background(), "1+1", DiscardSink{})
			if err != nil || res.Data["text/plain"] != "2" {
				t.Fatalf("next cell: %v %v", res, err)
			}
		})
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]uint64{"123": 123, "2KiB": 2048, "512 MiB": 512 << 20, "4GiB": 4 << 30, "1GB": 1 << 30} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseBytes("lots"); err == nil {
		t.Error("parseBytes(lots): no error")
	}
}
