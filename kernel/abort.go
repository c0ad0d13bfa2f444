package kernel

import (
	"time"

	"github.com/go-zeromq/zmq4"
)

// queued is a received message with its arrival time (this machine's clock).
type queued struct {
	msg *Message
	at  time.Time
}

// abortQueued answers with status "aborted", and no execution count, the execute
// requests that arrived before the failed cell's reply was sent (k.errAt), after
// a cell failed with stop_on_error; see drainAfterError.
func (k *Kernel) abortQueued(sock zmq4.Socket, queue chan queued) {
	abort := func(q queued) {
		k.publishStatus("busy", q.msg)
		k.reply(sock, q.msg, "execute_reply", map[string]any{"status": "aborted"})
		k.publishStatus("idle", q.msg)
	}
	serve := func(q queued) bool { return k.dispatch(sock, q.msg) }
	for drainAfterError(queue, k.errAt, abort, serve) {
		// the first request served after the aborting failed too
	}
}

// drainAfterError takes what has arrived on queue: execute requests that arrived
// before errAt go to abort, other requests that arrived by then to serve, in
// order. The decision uses arrival order only: a client's clock (the header date)
// says nothing about when the client saw the error. The first request that
// arrived after errAt is served and ends the draining; failedAgain is what serve
// returned for it (a failed cell asking to stop on error).
func drainAfterError(queue chan queued, errAt time.Time, abort func(queued), serve func(queued) bool) (failedAgain bool) {
	for {
		var q queued
		select {
		case next, ok := <-queue:
			if !ok {
				return false
			}
			q = next
		default:
			return false // nothing else has arrived
		}
		switch {
		case !q.at.Before(errAt):
			return serve(q)
		case q.msg.Header.MsgType == "execute_request":
			abort(q)
		default:
			serve(q)
		}
	}
}
