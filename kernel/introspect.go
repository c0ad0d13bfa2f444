package kernel

import (
	"encoding/json"

	"github.com/go-zeromq/zmq4"
)

// complete answers complete_request from the session's completer.
func (k *Kernel) complete(sock zmq4.Socket, m *Message) {
	var req struct {
		Code      string `json:"code"`
		CursorPos int    `json:"cursor_pos"`
	}
	json.Unmarshal(m.Content, &req)
	matches, start, end := k.dsl.Complete(req.Code, req.CursorPos)
	if matches == nil {
		matches = []string{}
	}
	k.reply(sock, m, "complete_reply", map[string]any{"status": "ok", "matches": matches,
		"cursor_start": start, "cursor_end": end, "metadata": map[string]any{}})
}

// inspect answers inspect_request with the declaration and doc of the symbol at
// the cursor, or the type and value of a variable.
func (k *Kernel) inspect(sock zmq4.Socket, m *Message) {
	var req struct {
		Code      string `json:"code"`
		CursorPos int    `json:"cursor_pos"`
	}
	json.Unmarshal(m.Content, &req)
	text, found := k.dsl.Inspect(req.Code, req.CursorPos)
	data := map[string]any{}
	if found {
		data["text/plain"] = text
	}
	k.reply(sock, m, "inspect_reply", map[string]any{"status": "ok", "found": found, "data": data, "metadata": map[string]any{}})
}
