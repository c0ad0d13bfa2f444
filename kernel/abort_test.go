package kernel

import (
	"testing"
	"time"
)

// TestAbortQueued checks which queued requests are aborted after a failed cell:
// execute requests that arrived before its reply, whatever their header dates.
func TestAbortQueued(t *testing.T) {
	errAt := time.Now()
	msg := func(typ, date string) *Message {
		return &Message{Header: Header{MsgType: typ, Date: date, MsgID: newID()}}
	}
	early := "2000-01-01T00:00:00Z" // a client clock far behind
	late := "2100-01-01T00:00:00Z"  // a client clock far ahead
	cases := []struct {
		name    string
		queue   []queued
		aborted int // how many execute_replies say "aborted"
		served  int // requests left for dispatch after the aborting
	}{
		{"arrived before, any date", []queued{
			{msg("execute_request", late), errAt.Add(-2 * time.Millisecond)},
			{msg("execute_request", ""), errAt.Add(-time.Millisecond)}}, 2, 0},
		{"arrived after, dated before: served", []queued{
			{msg("execute_request", early), errAt.Add(time.Millisecond)}}, 0, 1},
		{"other requests before are served, not aborted", []queued{
			{msg("kernel_info_request", ""), errAt.Add(-2 * time.Millisecond)},
			{msg("execute_request", ""), errAt.Add(-time.Millisecond)}}, 1, 1},
		{"aborting ends at the first later arrival", []queued{
			{msg("execute_request", ""), errAt.Add(-time.Millisecond)},
			{msg("execute_request", ""), errAt.Add(time.Millisecond)},
			{msg("execute_request", ""), errAt.Add(-time.Millisecond)}}, 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			queue := make(chan queued, len(c.queue))
			for _, q := range c.queue {
				queue <- q
			}
			aborted, served := 0, 0
			drainAfterError(queue, errAt, func(queued) { aborted++ }, func(queued) bool { served++; return false })
			if aborted != c.aborted || served != c.served {
				t.Errorf("aborted %d, served %d; want %d, %d", aborted, served, c.aborted, c.served)
			}
		})
	}
}
