package kernel

import (
	"reflect"
	"testing"

	"github.com/im2im/im2im/kernel/supervise"
)

// TestTracker follows a kernel child's events as the supervisor does and checks
// the Crash it would hand the next child: the request running, the ones queued
// behind it, the last execution count.
func TestTracker(t *testing.T) {
	recv := func(id string) supervise.Event {
		return supervise.Event{Kind: supervise.KindRecv, MsgID: id, Identities: [][]byte{[]byte("client")}}
	}
	start := func(id string, n int) supervise.Event {
		return supervise.Event{Kind: supervise.KindStart, MsgID: id, Count: n}
	}
	done := func(id string) supervise.Event { return supervise.Event{Kind: supervise.KindDone, MsgID: id} }
	ready := supervise.Event{Kind: supervise.KindReady}
	for _, tc := range []struct {
		name     string
		events   []supervise.Event
		ready    bool
		started  bool
		running  string // MsgID of Crash.Running, "" for none
		runningN int
		queued   []string
		count    int
	}{
		{"died at start-up", nil, false, false, "", 0, nil, 0},
		{"idle, nothing run", []supervise.Event{ready}, true, false, "", 0, nil, 0},
		{"died between cells", []supervise.Event{ready, recv("a"), start("a", 1), done("a")}, true, true, "", 0, nil, 1},
		{"died in a cell", []supervise.Event{ready, recv("a"), start("a", 1), done("a"), recv("b"), start("b", 2)},
			true, true, "b", 2, nil, 2},
		{"died in a cell with two queued", []supervise.Event{ready, recv("a"), recv("b"), recv("c"), start("a", 7)},
			true, true, "a", 7, []string{"b", "c"}, 7},
		{"queued ones aborted already", []supervise.Event{ready, recv("a"), recv("b"), start("a", 3), done("a"), done("b")},
			true, true, "", 0, nil, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &tracker{}
			for _, ev := range tc.events {
				tr.add(ev)
			}
			c := tr.crash("out of memory")
			if tr.ready != tc.ready || tr.started != tc.started || c.Cause != "out of memory" || c.Count != tc.count {
				t.Errorf("ready %v started %v cause %q count %d", tr.ready, tr.started, c.Cause, c.Count)
			}
			switch {
			case tc.running == "" && c.Running != nil:
				t.Errorf("running %+v, want none", c.Running)
			case tc.running != "" && (c.Running == nil || c.Running.MsgID != tc.running || c.Running.Count != tc.runningN ||
				string(c.Running.Identities[0]) != "client"):
				t.Errorf("running %+v, want %s (In [%d])", c.Running, tc.running, tc.runningN)
			}
			var queued []string
			for _, q := range c.Queued {
				queued = append(queued, q.MsgID)
			}
			if !reflect.DeepEqual(queued, tc.queued) {
				t.Errorf("queued %v, want %v", queued, tc.queued)
			}
		})
	}
}
