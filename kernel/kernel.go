package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/im2im/im2im/dsl"
	"github.com/im2im/im2im/kernel/supervise"
)

// Kernel is a running Jupyter kernel: five ZeroMQ sockets bound to the addresses
// of a connection file, one dsl.Session, and the request dispatcher. Shell
// requests are served one at a time; control requests (interrupt, shutdown) are
// served by their own goroutine while a cell runs.
type Kernel struct {
	info    *ConnectionInfo
	sig     signer
	session string // this kernel's session id (message headers)
	log     *log.Logger
	dsl     *dsl.Session

	shell, control, stdin, iopub, hb zmq4.Socket
	sendMu                           sync.Mutex // guards sends on all sockets

	ctx    context.Context
	stop   context.CancelFunc
	count  int // execution_count
	cellMu sync.Mutex
	cancel context.CancelFunc // cancels the running cell, nil between cells
	errAt  time.Time          // when the last failed cell's reply was sent (stop_on_error)

	inputReplies chan *Message // input_reply messages from the stdin socket
	hist         history       // cells run with store_history, for history_request

	peers  *peerWatch          // shell peers seen (identities)
	rep    *supervise.Reporter // the supervisor, nil when none (Supervised)
	crash  *supervise.Crash    // what the previous kernel process died of, nil when none
	notice string              // told at the top of the next cell (a crash between cells)
	// resubscribe: the first shell request waits (reconnectWait at most) for an
	// iopub subscriber, after a crash between cells.
	resubscribe bool
}

// New binds the sockets of info and creates the interpreter session. Log lines
// (rejected messages, socket errors) go to logger.
func New(info *ConnectionInfo, logger *log.Logger) (*Kernel, error) {
	sess, err := dsl.New()
	if err != nil {
		return nil, err
	}
	sess.SetLog(logger.Printf) // auto-imports, said once each
	// Output of goroutines after their cell finished reaches the next cell; the
	// kernel logs to the original stderr (LogWriter), untouched.
	if err := sess.KeepLateOutput(); err != nil {
		logger.Printf("output written between cells is not captured: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	k := &Kernel{
		info:         info,
		session:      newID(),
		log:          logger,
		dsl:          sess,
		ctx:          ctx,
		stop:         stop,
		inputReplies: make(chan *Message, 1),
		peers:        newPeerWatch(),
	}
	if info.Key != "" {
		k.sig = signer{key: []byte(info.Key)}
	}
	k.shell = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("im2im-shell")), zmq4.WithSecurity(k.peers))
	k.control = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("im2im-control")))
	k.stdin = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("im2im-stdin")))
	k.iopub = zmq4.NewPub(ctx)
	k.hb = zmq4.NewRep(ctx)
	for _, b := range []struct {
		s    zmq4.Socket
		port int
		name string
	}{{k.shell, info.ShellPort, "shell"}, {k.control, info.ControlPort, "control"}, {k.stdin, info.StdinPort, "stdin"},
		{k.iopub, info.IOPubPort, "iopub"}, {k.hb, info.HBPort, "heartbeat"}} {
		if err := b.s.Listen(info.endpoint(b.port)); err != nil {
			k.Close()
			return nil, fmt.Errorf("%s socket: listen on %s: %w", b.name, info.endpoint(b.port), err)
		}
	}
	return k, nil
}

// Close closes the sockets.
// The session's capture of fd 1/2 (KeepLateOutput) is left to the process's end:
// ending it would wait for a cell that ignores its interrupt.
func (k *Kernel) Close() {
	k.stop()
	for _, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
		if s != nil {
			s.Close()
		}
	}
}

// Run serves requests until a shutdown_request arrives or ctx is done. SIGINT
// interrupts the running cell (interrupt_mode "signal").
func (k *Kernel) Run(ctx context.Context) error {
	defer k.Close()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT)
	defer signal.Stop(sigs)
	go func() {
		for {
			select {
			case <-sigs:
				k.log.Print("SIGINT: interrupting the running cell")
				k.interrupt()
			case <-k.ctx.Done():
				return
			}
		}
	}()
	go k.heartbeat()
	go k.serve(k.control, "control")
	go k.readStdin()
	k.rep.Send(supervise.Event{Kind: supervise.KindReady})
	k.publishStatus("starting", nil)
	shell := k.receive(k.shell, "shell")
	go func() {
		// After a crash in a cell, the requests the client sent before it saw
		// the error (they reach this process when the client reconnects) are
		// aborted, as after any failed cell.
		if k.crash != nil && k.answerCrash() {
			k.abortQueued(k.shell, shell)
		}
		k.process(k.shell, shell)
	}()
	select {
	case <-ctx.Done():
		k.stop()
		return ctx.Err()
	case <-k.ctx.Done():
		return nil
	}
}

// heartbeat echoes every ping.
func (k *Kernel) heartbeat() {
	for {
		msg, err := k.hb.Recv()
		if err != nil {
			if k.ctx.Err() == nil {
				k.log.Printf("heartbeat: %v", err)
			}
			return
		}
		if err := k.hb.Send(msg); err != nil && k.ctx.Err() == nil {
			k.log.Printf("heartbeat: %v", err)
		}
	}
}

// serve receives messages on a shell or control socket and dispatches them, one
// at a time, in order.
func (k *Kernel) serve(sock zmq4.Socket, name string) { k.process(sock, k.receive(sock, name)) }

// receive starts the goroutine that queues the verified messages of sock, with
// their arrival time, so that after a failed cell the execute requests already
// waiting can be aborted.
func (k *Kernel) receive(sock zmq4.Socket, name string) chan queued {
	queue := make(chan queued, 256)
	go func() {
		defer close(queue)
		for {
			raw, err := sock.Recv()
			if err != nil {
				if k.ctx.Err() == nil {
					k.log.Printf("%s: receive: %v", name, err)
				}
				return
			}
			msg, err := k.sig.decode(raw.Frames)
			if err != nil {
				k.log.Printf("%s: dropped a message: %v", name, err)
				continue
			}
			if k.rep != nil && name == "shell" && msg.Header.MsgType == "execute_request" {
				k.rep.Send(supervise.Event{Kind: supervise.KindRecv, MsgID: msg.Header.MsgID,
					Identities: msg.Identities, Header: headerJSON(msg)})
			}
			queue <- queued{msg, time.Now()}
		}
	}()
	return queue
}

// process dispatches the queued messages of sock.
func (k *Kernel) process(sock zmq4.Socket, queue chan queued) {
	for q := range queue {
		if k.resubscribe && sock == k.shell {
			ctx, cancel := context.WithTimeout(k.ctx, reconnectWait)
			k.waitSubscribed(ctx)
			cancel()
			k.resubscribe = false
		}
		if k.dispatch(sock, q.msg) {
			k.abortQueued(sock, queue)
		}
	}
}

// readStdin forwards input_reply messages to the cell waiting for input.
func (k *Kernel) readStdin() {
	for {
		raw, err := k.stdin.Recv()
		if err != nil {
			if k.ctx.Err() == nil {
				k.log.Printf("stdin: receive: %v", err)
			}
			return
		}
		msg, err := k.sig.decode(raw.Frames)
		if err != nil {
			k.log.Printf("stdin: dropped a message: %v", err)
			continue
		}
		if msg.Header.MsgType != "input_reply" {
			k.log.Printf("stdin: ignored %s", msg.Header.MsgType)
			continue
		}
		select {
		case k.inputReplies <- msg:
		default:
			k.log.Print("stdin: dropped an input_reply nobody asked for")
		}
	}
}

// send signs and sends a message on sock.
func (k *Kernel) send(sock zmq4.Socket, prefix [][]byte, msgType string, parent json.RawMessage, content any) {
	frames, err := k.sig.encode(prefix, newHeader(msgType, k.session), parent, content)
	if err != nil {
		k.log.Printf("encode %s: %v", msgType, err)
		return
	}
	k.sendMu.Lock()
	defer k.sendMu.Unlock()
	if err := sock.Send(zmq4.NewMsgFrom(frames...)); err != nil && !errors.Is(err, context.Canceled) {
		k.log.Printf("send %s: %v", msgType, err)
	}
}

// reply answers request m on sock. The supervisor learns that an execute
// request is done when its reply has been sent.
func (k *Kernel) reply(sock zmq4.Socket, m *Message, msgType string, content any) {
	k.send(sock, m.Identities, msgType, headerJSON(m), content)
	if msgType == "execute_reply" {
		k.rep.Send(supervise.Event{Kind: supervise.KindDone, MsgID: m.Header.MsgID})
	}
}

// publish sends an iopub message whose parent is m (nil for none).
func (k *Kernel) publish(m *Message, msgType string, content any) {
	k.send(k.iopub, [][]byte{[]byte(msgType)}, msgType, headerJSON(m), content)
}

func (k *Kernel) publishStatus(state string, m *Message) {
	k.publish(m, "status", map[string]any{"execution_state": state})
}

// headerJSON is m's header as a parent header.
func headerJSON(m *Message) json.RawMessage {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m.Header)
	return b
}

// interrupt cancels the running cell, if any.
func (k *Kernel) interrupt() {
	k.cellMu.Lock()
	defer k.cellMu.Unlock()
	if k.cancel != nil {
		k.cancel()
	}
}
