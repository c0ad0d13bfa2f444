package kernel

import (
	"context"
	"encoding/json"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/im2im/im2im/kernel/supervise"
)

// reconnectWait bounds how long a kernel started after a crash waits for the
// client's sockets to reconnect before it answers the dead request (ZeroMQ
// clients reconnect by themselves every 0.1 s by default).
const reconnectWait = 5 * time.Second

// Supervised makes k report its requests to the supervisor rep (nil: none) and,
// when crash is set (this process replaces one that died), answer the request
// that was running then as a failed cell and the ones queued behind it as
// aborted, once the client has reconnected. Call it before Run.
func (k *Kernel) Supervised(rep *supervise.Reporter, crash *supervise.Crash) {
	k.rep, k.crash = rep, crash
}

// crashTraceback is the traceback of a cell whose kernel died.
func crashTraceback(cause string) []string {
	return []string{
		supervise.CrashName + ": " + cause,
		"The kernel process died while this cell ran and was restarted: the variables, imports and",
		"functions of earlier cells are gone; run the cells this one needs again.",
	}
}

// answerCrash answers the requests of the kernel process that died (k.crash).
// A crash between requests is told at the top of the next cell's output. It
// returns true when it answered a running request as failed (k.errAt is then
// set, for stop_on_error).
func (k *Kernel) answerCrash() (failed bool) {
	c := k.crash
	k.count = c.Count
	if c.Running == nil {
		k.notice = supervise.CrashName + ": the kernel process died between cells (" + c.Cause +
			") and was restarted: variables of earlier cells are gone.\n"
		if len(c.Queued) == 0 {
			k.resubscribe = true
			return false
		}
	}
	asked := c.Queued // requests to answer, the running one first
	if c.Running != nil {
		asked = append([]supervise.Event{*c.Running}, asked...)
	}
	k.waitForClient(asked[0].Identities)
	if r := c.Running; r != nil {
		m := crashedMessage(r)
		tb := crashTraceback(c.Cause)
		k.publishStatus("busy", m)
		if !r.Silent {
			k.publish(m, "error", map[string]any{"ename": supervise.CrashName, "evalue": c.Cause, "traceback": tb})
		}
		k.reply(k.shell, m, "execute_reply", map[string]any{"status": "error", "execution_count": r.Count,
			"ename": supervise.CrashName, "evalue": c.Cause, "traceback": tb})
		k.errAt = time.Now()
		k.publishStatus("idle", m)
	}
	for i := range c.Queued {
		m := crashedMessage(&c.Queued[i])
		k.publishStatus("busy", m)
		k.reply(k.shell, m, "execute_reply", map[string]any{"status": "aborted"})
		k.publishStatus("idle", m)
	}
	k.log.Printf("answered the requests of the kernel that died (%s)", c.Cause)
	return c.Running != nil
}

// waitForClient waits, at most reconnectWait, until a subscriber is back on
// iopub (a PUB socket drops what it sends before) and the shell peer whose
// identity frames are ident has reconnected.
func (k *Kernel) waitForClient(ident [][]byte) {
	ctx, cancel := context.WithTimeout(k.ctx, reconnectWait)
	defer cancel()
	began := time.Now()
	subscribed := k.waitSubscribed(ctx)
	peer := len(ident) > 0 && k.peers.wait(ctx, string(ident[0]))
	// The handshake is recorded just before the connection joins the socket.
	time.Sleep(20 * time.Millisecond)
	k.log.Printf("after the crash: iopub subscriber %v, shell client %v, after %s", subscribed, peer,
		time.Since(began).Round(time.Millisecond))
}

// waitSubscribed returns true once iopub has a subscriber, false when ctx ends
// first. (A ZeroMQ client sends its subscription again when it next polls the
// socket after reconnecting: a front-end that listens all the time does so at
// once, a client blocked on shell only later.)
func (k *Kernel) waitSubscribed(ctx context.Context) bool {
	t, ok := k.iopub.(zmq4.Topics)
	if !ok {
		return false
	}
	for len(t.Topics()) == 0 {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(5 * time.Millisecond):
		}
	}
	return true
}

// crashedMessage is the request of ev as a Message to answer.
func crashedMessage(ev *supervise.Event) *Message {
	m := &Message{Identities: ev.Identities}
	json.Unmarshal(ev.Header, &m.Header)
	return m
}
