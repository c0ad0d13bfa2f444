package supervise

import (
	"bytes"
	"fmt"
	"strings"
	"syscall"
)

// CrashName is the error name under which a crash is reported to the user.
const CrashName = "KernelCrashed"

// Exit says how a child ended.
type Exit struct {
	// Said is set when the child sent KindExit (it ended on purpose) with
	// SaidCode.
	Said     bool
	SaidCode int
	// Status is the exit status, -1 when a signal ended the child.
	Status int
	// Signal is the signal that ended the child, 0 when it exited.
	Signal syscall.Signal
	// Report is the end of what the Go runtime wrote on the crash pipe.
	Report []byte
	// Stalled is set when the child began a crash report but did not end
	// within a grace period, and the parent killed it.
	Stalled bool
}

// Crashed reports whether the child ended without saying so: a fatal error, a
// signal, or os.Exit from code it ran.
func (e *Exit) Crashed() bool { return !e.Said }

// Code is the exit code a parent should end with: the child's own, or 1 for a
// crash.
func (e *Exit) Code() int {
	if e.Said {
		return e.SaidCode
	}
	return 1
}

// Cause names why a crashed child ended, for the user: the Go runtime's fatal
// error or panic when its report shows one ("out of memory", "stack overflow",
// "concurrent map writes", "panic: …"), else the signal ("killed by signal 9
// (SIGKILL: the system's out-of-memory killer?)") or the exit status ("exit
// status 3 (os.Exit?)").
func (e *Exit) Cause() string {
	c := e.cause()
	if e.Stalled {
		c += " (the process stalled writing its crash report and was killed)"
	}
	return c
}

// cause is Cause without the note on a stalled report.
func (e *Exit) cause() string {
	if c := reportCause(e.Report); c != "" {
		return c
	}
	if e.Signal != 0 {
		s := fmt.Sprintf("killed by signal %d (%s", int(e.Signal), signalName(e.Signal))
		if e.Signal == syscall.SIGKILL {
			s += ": out of memory? the system's out-of-memory killer sends it"
		}
		return s + ")"
	}
	if e.Status == 2 && len(bytes.TrimSpace(e.Report)) > 0 {
		return "exit status 2 (a fatal error of the Go runtime; its report is on the kernel's stderr)"
	}
	return fmt.Sprintf("exit status %d (os.Exit?)", e.Status)
}

// signalName is "SIGKILL" for syscall.SIGKILL.
func signalName(s syscall.Signal) string {
	names := map[syscall.Signal]string{syscall.SIGKILL: "SIGKILL", syscall.SIGSEGV: "SIGSEGV", syscall.SIGABRT: "SIGABRT",
		syscall.SIGTERM: "SIGTERM", syscall.SIGBUS: "SIGBUS", syscall.SIGILL: "SIGILL", syscall.SIGFPE: "SIGFPE",
		syscall.SIGINT: "SIGINT", syscall.SIGHUP: "SIGHUP", syscall.SIGQUIT: "SIGQUIT"}
	if n, ok := names[s]; ok {
		return n
	}
	return s.String()
}

// reportCause reads the Go runtime's crash report (what debug.SetCrashOutput
// receives: the panic or signal line and the goroutine traces; the "fatal
// error: …" line of a runtime throw goes to fd 2 only, so a throw is recognised
// by the runtime function that threw). "" when the report shows nothing known.
func reportCause(report []byte) string {
	lines := strings.Split(string(report), "\n")
	// The last crash in the report (a kernel restarted by hand may have left an
	// earlier one): its panic or signal line.
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimRight(lines[i], "\r")
		switch {
		case strings.HasPrefix(l, "fatal error: "):
			return strings.TrimPrefix(strings.TrimPrefix(l, "fatal error: "), "runtime: ")
		case strings.HasPrefix(l, "panic: "):
			// Nested panics print "panic: a [recovered]" then "\tpanic: b": the
			// last of the block is the one nothing handled.
			for i+1 < len(lines) && strings.HasPrefix(strings.TrimLeft(lines[i+1], "\t"), "panic: ") {
				i++
			}
			return strings.TrimSpace(strings.TrimLeft(lines[i], "\t"))
		case sigLine(l):
			return l
		}
	}
	for _, f := range throwers {
		if strings.Contains(string(report), f.frame) {
			return f.cause
		}
	}
	return ""
}

// sigLine reports whether l is the runtime's line for a fatal signal
// ("SIGSEGV: segmentation violation").
func sigLine(l string) bool {
	name, _, ok := strings.Cut(l, ": ")
	if !ok || !strings.HasPrefix(name, "SIG") || len(name) < 5 {
		return false
	}
	for _, r := range name[3:] {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// throwers are runtime functions whose frame in a crash report names the fatal
// error (the report lacks the "fatal error" line), most specific first.
var throwers = []struct{ frame, cause string }{
	{"runtime.newstack(", "stack overflow"},
	{"runtime.sysMap", "out of memory"},
	{"runtime.(*mheap).grow(", "out of memory"},
	{"runtime.(*mheap).sysAlloc(", "out of memory"},
	{"runtime.persistentalloc", "out of memory"},
	{"maps.fatal(", "concurrent map access (a map read and written by two goroutines at once)"},
	{"runtime.fatal(", "a fatal error in compiled code"},
	{"runtime.throw(", "a fatal error of the Go runtime"},
}
