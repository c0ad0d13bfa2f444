package kernel

import (
	"testing"
	"time"
)

func TestSentBefore(t *testing.T) {
	errAt := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	msg := func(date string) *Message { return &Message{Header: Header{MsgType: "execute_request", Date: date}} }
	cases := []struct {
		name string
		q    queued
		want bool
	}{
		{"arrived before", queued{msg(""), errAt.Add(-time.Millisecond)}, true},
		{"arrived after, dated before", queued{msg("2026-11-25T01:59:59.999000Z"), errAt.Add(time.Millisecond)}, true},
		{"arrived after, dated after", queued{msg("2026-11-25T02:00:00.001000Z"), errAt.Add(time.Millisecond)}, false},
		{"arrived after, offset date after", queued{msg("2026-11-25T03:00:00.001+01:00"), errAt.Add(time.Millisecond)}, false},
		{"arrived after, no date", queued{msg(""), errAt.Add(time.Millisecond)}, false},
	}
	for _, c := range cases {
		if got := sentBefore(c.q, errAt); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}
