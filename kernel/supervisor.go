package kernel

import (
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/im2im/im2im/kernel/supervise"
)

// maxIdleDeaths is how many kernel processes in a row may die without having
// started a request (a crash loop: nothing the user ran) before the supervisor
// gives up.
const maxIdleDeaths = 3

// Supervise is the process Jupyter starts and watches: it runs the kernel in a
// child process (exe with args and the environment, marked supervise.Env) and,
// when that child dies without having been asked to (a fatal error, a signal,
// os.Exit in a cell), starts a new one on the same connection file, which
// answers the request that was running as a failed cell naming the cause.
// SIGINT, SIGTERM and SIGHUP are forwarded to the child. It returns the exit
// code to end with: the child's own when it ended on purpose (shutdown_request),
// or after a signal told to end; an error when a child dies before serving or
// too many die in a row. The supervisor never touches the kernel's messages.
func Supervise(exe string, args []string, logger *log.Logger) (int, error) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	var (
		crash      *supervise.Crash
		idleDeaths int
	)
	for {
		env := os.Environ()
		if crash != nil {
			v, err := supervise.CrashEnvVar(crash)
			if err != nil {
				return 1, err
			}
			env = append(env, v)
		}
		child, err := supervise.Start(exe, args, env, os.Stderr)
		if err != nil {
			return 1, err
		}
		t := &tracker{}
		terminating := t.follow(child, sigs)
		exit := child.Wait()
		if !exit.Crashed() {
			return exit.Code(), nil
		}
		cause := exit.Cause()
		if terminating {
			logger.Printf("kernel process ended after a signal to end (%s)", cause)
			return exit.Code(), nil
		}
		if !t.ready {
			return 1, fmt.Errorf("the kernel process died before it served (%s)", cause)
		}
		idleDeaths++
		if t.started {
			idleDeaths = 0
		}
		if idleDeaths >= maxIdleDeaths {
			return 1, fmt.Errorf("%d kernel processes in a row died before running anything, the last of %s: giving up", idleDeaths, cause)
		}
		crash = t.crash(cause)
		logger.Printf("kernel process %d died (%s); starting a new one", child.Pid(), cause)
	}
}

// tracker follows a child's events: whether it serves, and the execute
// requests it has received and not answered yet, in arrival order.
type tracker struct {
	ready   bool
	started bool              // a request started
	pending []supervise.Event // KindRecv events, Count and Silent filled once started
	running string            // msg_id of the request that started and is not done
	count   int               // the last execution count given out
}

// follow reads child's events until it ends, forwarding the signals that
// arrive meanwhile; it reports whether one of them asked the kernel to end.
func (t *tracker) follow(child *supervise.Child, sigs <-chan os.Signal) (terminating bool) {
	events := child.Events()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return terminating
			}
			t.add(ev)
		case s := <-sigs:
			if s != syscall.SIGINT {
				terminating = true
			}
			child.Signal(s)
		}
	}
}

// add records one event.
func (t *tracker) add(ev supervise.Event) {
	switch ev.Kind {
	case supervise.KindReady:
		t.ready = true
	case supervise.KindRecv:
		t.pending = append(t.pending, ev)
	case supervise.KindStart:
		t.started = true
		t.count = max(t.count, ev.Count)
		for i := range t.pending {
			if t.pending[i].MsgID == ev.MsgID {
				t.pending[i].Count, t.pending[i].Silent = ev.Count, ev.Silent
				t.running = ev.MsgID
			}
		}
	case supervise.KindDone:
		for i := range t.pending {
			if t.pending[i].MsgID == ev.MsgID {
				t.pending = append(t.pending[:i], t.pending[i+1:]...)
				break
			}
		}
		if t.running == ev.MsgID {
			t.running = ""
		}
	}
}

// crash is the Crash to hand the next child.
func (t *tracker) crash(cause string) *supervise.Crash {
	c := &supervise.Crash{Cause: cause, Count: t.count}
	for i := range t.pending {
		if ev := t.pending[i]; ev.MsgID == t.running {
			c.Running = &ev
		} else {
			c.Queued = append(c.Queued, ev)
		}
	}
	return c
}
