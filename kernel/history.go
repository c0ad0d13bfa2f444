package kernel

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// historySession is the session number history replies give this kernel's cells
// (IPython numbers sessions from 1; 0 in a request means the current one).
const historySession = 1

// history keeps the cells executed with store_history, for history_request.
type history struct {
	mu      sync.Mutex
	entries []histEntry
}

// histEntry is one stored cell: its execution count, code and result text.
type histEntry struct {
	line   int
	input  string
	output any // text/plain of the execute_result, or nil
}

func (h *history) add(line int, input string, output any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, histEntry{line, input, output})
}

// historyRequest is the content of a history_request.
type historyRequest struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           int    `json:"stop"`
	N              *int   `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// reply answers a history_request: "tail" (the last n cells), "range" (cells
// start ≤ line < stop of the current session; stop 0: to the end) or "search"
// (cells matching a glob pattern, the last n, unique inputs if asked). Entries
// are [session, line, input], or [session, line, [input, output]] with output.
func (h *history) reply(content json.RawMessage) []any {
	var req historyRequest
	json.Unmarshal(content, &req)
	h.mu.Lock()
	all := append([]histEntry(nil), h.entries...)
	h.mu.Unlock()
	var sel []histEntry
	switch req.HistAccessType {
	case "tail":
		sel = all
	case "range":
		if req.Session != 0 && req.Session != historySession {
			break
		}
		for _, e := range all {
			if e.line >= req.Start && (req.Stop <= 0 || e.line < req.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		re := globRE(req.Pattern)
		for _, e := range all {
			if re.MatchString(e.input) {
				sel = append(sel, e)
			}
		}
		if req.Unique {
			sel = lastUnique(sel)
		}
	}
	if req.N != nil && *req.N >= 0 && req.HistAccessType != "range" && len(sel) > *req.N {
		sel = sel[len(sel)-*req.N:]
	}
	out := make([]any, 0, len(sel))
	for _, e := range sel {
		if req.Output {
			out = append(out, []any{historySession, e.line, []any{e.input, e.output}})
		} else {
			out = append(out, []any{historySession, e.line, e.input})
		}
	}
	return out
}

// lastUnique keeps the last entry of each input, in order.
func lastUnique(entries []histEntry) []histEntry {
	last := map[string]int{}
	for i, e := range entries {
		last[e.input] = i
	}
	var out []histEntry
	for i, e := range entries {
		if last[e.input] == i {
			out = append(out, e)
		}
	}
	return out
}

// globRE compiles an IPython history pattern (a glob: * any text, ? one
// character, [...] a class) matched against a whole input.
func globRE(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	p := []rune(pattern)
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			if j := slices.Index(p[i+1:], ']'); j > 0 {
				class := string(p[i+1 : i+1+j])
				if class[0] == '!' || class[0] == '^' {
					class = "^" + class[1:]
				}
				b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
				i += j + 1
				continue
			}
			b.WriteString(regexp.QuoteMeta("["))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return regexp.MustCompile(`^$.`) // matches nothing
	}
	return re
}
