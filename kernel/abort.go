package kernel

import (
	"time"

	"github.com/go-zeromq/zmq4"
)

// queued is a received message with its arrival time.
type queued struct {
	msg *Message
	at  time.Time
}

// abortGrace is how long abortQueued looks at requests arriving after the failed
// cell's reply: requests a front-end sent together ("run all") may be in flight.
const abortGrace = 50 * time.Millisecond

// abortQueued answers with status "aborted" the execute requests that were sent
// before the failed cell's reply (k.errAt), after a cell failed with
// stop_on_error: those that had arrived by then, and those arriving within
// abortGrace whose header date is earlier (sent before the client could see the
// error). Other requests are served.
func (k *Kernel) abortQueued(sock zmq4.Socket, queue chan queued) {
	errAt := k.errAt
	timeout := time.NewTimer(abortGrace)
	defer timeout.Stop()
	for {
		select {
		case q, ok := <-queue:
			if !ok {
				return
			}
			msg := q.msg
			if msg.Header.MsgType != "execute_request" || !sentBefore(q, errAt) {
				// The first request sent after the error ends the aborting.
				if k.dispatch(sock, msg) {
					k.abortQueued(sock, queue)
				}
				return
			}
			k.publishStatus("busy", msg)
			k.reply(sock, msg, "execute_reply", map[string]any{"status": "aborted", "execution_count": k.count})
			k.publishStatus("idle", msg)
		case <-timeout.C:
			return
		}
	}
}

// sentBefore reports whether q was sent before t: it arrived before t, or its
// header date (the client's clock, normally this machine's) is earlier.
func sentBefore(q queued, t time.Time) bool {
	if q.at.Before(t) {
		return true
	}
	d, err := time.Parse(time.RFC3339Nano, q.msg.Header.Date)
	return err == nil && d.Before(t)
}
