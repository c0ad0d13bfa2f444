package kernel

import (
	"context"
	"sync"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/security/null"
)

// peerWatch is the shell socket's security mechanism (ZeroMQ's NULL one) that
// also records the identity of each peer that completes its handshake, so that
// a kernel started after a crash can wait until the client that sent the dead
// request has reconnected before answering it (a ROUTER drops messages to an
// identity that is not connected).
type peerWatch struct {
	zmq4.Security
	mu      sync.Mutex
	seen    map[string]bool
	changed chan struct{} // closed and replaced when a peer connects
}

func newPeerWatch() *peerWatch {
	return &peerWatch{Security: null.Security(), seen: map[string]bool{}, changed: make(chan struct{})}
}

// Handshake runs the NULL handshake and records the peer's identity.
func (p *peerWatch) Handshake(conn *zmq4.Conn, server bool) error {
	if err := p.Security.Handshake(conn, server); err != nil {
		return err
	}
	p.mu.Lock()
	p.seen[conn.Peer.Meta["Identity"]] = true
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
	return nil
}

// wait returns true once a peer with identity id has connected, false when ctx
// ends first.
func (p *peerWatch) wait(ctx context.Context, id string) bool {
	for {
		p.mu.Lock()
		ok, ch := p.seen[id], p.changed
		p.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}
