package supervise

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// crashKeep is how much of the child's crash report the parent keeps (the end).
const crashKeep = 64 << 10

// drainWait bounds how long the parent reads the pipes after the child ended.
const drainWait = 2 * time.Second

// crashGrace is how long a child that began writing a crash report may take to
// end before the parent kills it: the runtime writes the report to fd 2 too,
// and when a cell has redirected fd 2 into a pipe that the frozen process can
// no longer drain, a long report (many goroutines) blocks it for good.
var crashGrace = 5 * time.Second

// Child is a supervised child process.
type Child struct {
	cmd     *exec.Cmd
	events  chan Event
	crash   tail
	exited  bool // the child sent KindExit
	code    int  // its exit code then
	mu      sync.Mutex
	waited  chan struct{} // closed when the child has ended and its pipes are read
	result  *Exit
	stalled bool          // killed after crashGrace with its crash report begun
	ended   chan struct{} // closed when the process has ended
	report  io.Writer     // where the crash report is forwarded (nil: nowhere)
}

// Start runs exe with args (args[0] is not the program name) and env in a child
// process that inherits stdin, stdout and stderr, with the event pipe as fd 3
// and the crash pipe as fd 4 (Env says so). What the child writes on the crash
// pipe is forwarded to report as it arrives (nil: not forwarded; Exit.Report
// keeps its end either way), and its end kept for Cause. The child is killed
// when the parent dies (Linux).
func Start(exe string, args, env []string, report io.Writer) (*Child, error) {
	evR, evW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("supervise: event pipe: %w", err)
	}
	crR, crW, err := os.Pipe()
	if err != nil {
		evR.Close()
		evW.Close()
		return nil, fmt.Errorf("supervise: crash pipe: %w", err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(env[:len(env):len(env)], Env+"=3:4")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{evW, crW}
	setParentDeathSignal(cmd)
	c := &Child{cmd: cmd, events: make(chan Event, 64), waited: make(chan struct{}), ended: make(chan struct{}), report: report}
	started := make(chan error, 1)
	// The child gets its parent-death signal when the thread that started it
	// ends: that thread stays locked to this goroutine until the child is gone.
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		err := cmd.Start()
		evW.Close()
		crW.Close()
		started <- err
		if err != nil {
			evR.Close()
			crR.Close()
			return
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); c.readEvents(evR) }()
		go func() { defer wg.Done(); c.readCrash(crR) }()
		werr := cmd.Wait()
		close(c.ended)
		drained := make(chan struct{})
		go func() { wg.Wait(); close(drained) }()
		select {
		case <-drained:
		case <-time.After(drainWait):
			// A process the child started holds the pipes: stop reading.
			evR.Close()
			crR.Close()
			<-drained
		}
		c.result = c.exit(werr)
		close(c.waited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("supervise: start %s: %w", exe, err)
	}
	return c, nil
}

// Pid is the child's process id.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Events delivers the child's events; it is closed when the child has ended.
func (c *Child) Events() <-chan Event { return c.events }

// Signal sends sig to the child.
func (c *Child) Signal(sig os.Signal) error { return c.cmd.Process.Signal(sig) }

// Wait waits for the child to end (and its events to be read) and says how.
func (c *Child) Wait() *Exit {
	<-c.waited
	return c.result
}

// readEvents decodes event lines into c.events until the pipe closes; a line that
// is not an event is ignored.
func (c *Child) readEvents(r io.ReadCloser) {
	defer r.Close()
	defer close(c.events)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var ev Event
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		if ev.Kind == KindExit {
			c.mu.Lock()
			c.exited, c.code = true, ev.Code
			c.mu.Unlock()
		}
		c.events <- ev
	}
}

// readCrash forwards the crash pipe to c.report and keeps its end. Once a report
// begins, the child has crashGrace to end.
func (c *Child) readCrash(r io.ReadCloser) {
	defer r.Close()
	buf := make([]byte, 32<<10)
	var grace *time.Timer
	defer func() {
		if grace != nil {
			grace.Stop()
		}
	}()
	for {
		n, err := r.Read(buf)
		if n > 0 && grace == nil {
			grace = time.AfterFunc(crashGrace, func() {
				select {
				case <-c.ended:
				default:
					c.mu.Lock()
					c.stalled = true
					c.mu.Unlock()
					c.cmd.Process.Kill()
				}
			})
		}
		if n > 0 {
			if c.report != nil {
				c.report.Write(buf[:n])
			}
			c.crash.write(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// exit builds the Exit of a child that ended with Wait error werr.
func (c *Child) exit(werr error) *Exit {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &Exit{Said: c.exited, SaidCode: c.code, Report: c.crash.bytes(), Status: -1, Stalled: c.stalled}
	if st := c.cmd.ProcessState; st != nil {
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			e.Signal = ws.Signal()
		} else {
			e.Status = st.ExitCode()
		}
	} else if werr != nil {
		e.Report = append(e.Report, []byte("\nwait: "+werr.Error())...)
	}
	return e
}

// tail keeps the last crashKeep bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) write(p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - crashKeep; over > 0 {
		t.buf = append(t.buf[:0:0], t.buf[over:]...)
	}
}

func (t *tail) bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]byte(nil), t.buf...)
}
