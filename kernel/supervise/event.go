package supervise

import "encoding/json"

// Env is the environment variable that marks a supervised child. Its value is
// "EVENTS:CRASH", the file descriptors of the event pipe and the crash pipe.
const Env = "IM2IM_SUPERVISED"

// CrashEnv is the environment variable through which a supervisor hands a new
// kernel child the Crash its predecessor died of.
const CrashEnv = "IM2IM_CRASHED"

// Kinds of events.
const (
	KindReady = "ready" // kernel: sockets bound, serving
	KindRecv  = "recv"  // kernel: an execute_request arrived (MsgID, Identities, Header)
	KindStart = "start" // kernel: it starts running (MsgID, Count, Silent)
	KindDone  = "done"  // kernel: its execute_reply was sent (MsgID)
	KindCell  = "cell"  // run: a cell starts (Cell, Count)
	KindExit  = "exit"  // the child ends on purpose with exit code Code
)

// Event is one line the child writes on its event pipe.
type Event struct {
	Kind string `json:"kind"`
	// MsgID, Identities (the shell ROUTER's identity frames) and Header (the
	// request's header, as received) of an execute_request.
	MsgID      string          `json:"msg_id,omitempty"`
	Identities [][]byte        `json:"identities,omitempty"`
	Header     json.RawMessage `json:"header,omitempty"`
	// Count is the execution count of a started request or cell.
	Count int `json:"count,omitempty"`
	// Silent is set for a silent execute_request (no outputs on iopub).
	Silent bool `json:"silent,omitempty"`
	// Cell is the 1-based position of a cell in the notebook (all cells counted).
	Cell int `json:"cell,omitempty"`
	// Code is the exit code of KindExit.
	Code int `json:"code,omitempty"`
}

// Crash is what a supervisor hands a new kernel child: why the last one died,
// the request it was running (nil when it died between requests) and the
// execute requests that had arrived but not started, in arrival order.
type Crash struct {
	Cause string `json:"cause"`
	// Count is the last execution count the dead kernel gave out.
	Count   int     `json:"count,omitempty"`
	Running *Event  `json:"running,omitempty"`
	Queued  []Event `json:"queued,omitempty"`
}
