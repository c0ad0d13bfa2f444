package supervise

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

// Reporter is the child's side: it writes events to the supervisor. A nil
// *Reporter (no supervisor) does nothing.
type Reporter struct {
	mu     sync.Mutex
	events *os.File
}

// FromEnv returns the reporter of a supervised child (Env set), or nil. It
// removes Env (and CrashEnv is left to TakeCrash) so that processes the child
// starts (a cell running `im2im run`) are not taken for supervised ones, and it
// makes the crash pipe the runtime's crash output (debug.SetCrashOutput), which
// is written even while a cell redirects fd 2 into its output.
func FromEnv() (*Reporter, error) {
	v, ok := os.LookupEnv(Env)
	if !ok {
		return nil, nil
	}
	os.Unsetenv(Env)
	evs, crs, ok := strings.Cut(v, ":")
	ev, err1 := strconv.Atoi(evs)
	cr, err2 := strconv.Atoi(crs)
	if !ok || err1 != nil || err2 != nil || ev < 3 || cr < 3 {
		return nil, fmt.Errorf("%s=%q: want EVENTS:CRASH file descriptors", Env, v)
	}
	crash := os.NewFile(uintptr(cr), "crash")
	if err := debug.SetCrashOutput(crash, debug.CrashOptions{}); err != nil {
		return nil, fmt.Errorf("%s: crash output: %w", Env, err)
	}
	crash.Close() // SetCrashOutput keeps its own duplicate
	// Programs the child starts must not hold the pipe open after it dies.
	closeOnExec(ev)
	return &Reporter{events: os.NewFile(uintptr(ev), "events")}, nil
}

// Send writes ev as one line; errors are ignored (a supervisor that is gone
// has nothing to learn).
func (r *Reporter) Send(ev Event) {
	if r == nil {
		return
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return
	}
	b = append(b, '\n')
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events.Write(b)
}

// Exit tells the supervisor that the child ends on purpose with exit code code.
func (r *Reporter) Exit(code int) { r.Send(Event{Kind: KindExit, Code: code}) }

// TakeCrash returns the Crash a supervisor handed this process (CrashEnv), or
// nil, and removes the variable.
func TakeCrash() (*Crash, error) {
	v, ok := os.LookupEnv(CrashEnv)
	if !ok {
		return nil, nil
	}
	os.Unsetenv(CrashEnv)
	var c Crash
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return nil, fmt.Errorf("%s: %w", CrashEnv, err)
	}
	return &c, nil
}

// CrashEnvVar is the CrashEnv entry that hands c to a new child.
func CrashEnvVar(c *Crash) (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return CrashEnv + "=" + string(b), nil
}
