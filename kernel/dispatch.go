package kernel

import (
	"encoding/json"
	"runtime"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/im2im/im2im/dsl"
)

// shutdownFlush is how long the kernel keeps its sockets open after answering a
// shutdown_request, so the reply and the idle status reach the client.
const shutdownFlush = 100 * time.Millisecond

// Version is reported as implementation_version in kernel_info_reply; the
// command sets it from its build information.
var Version = "dev"

// dispatch serves one request on sock, between busy and idle status messages. It
// returns true when an execute request failed and asked to stop on error.
func (k *Kernel) dispatch(sock zmq4.Socket, m *Message) (abort bool) {
	k.publishStatus("busy", m)
	defer k.publishStatus("idle", m)
	switch t := m.Header.MsgType; t {
	case "kernel_info_request":
		k.reply(sock, m, "kernel_info_reply", k.kernelInfo())
	case "execute_request":
		return k.execute(sock, m)
	case "complete_request":
		k.complete(sock, m)
	case "inspect_request":
		k.inspect(sock, m)
	case "is_complete_request":
		var req struct {
			Code string `json:"code"`
		}
		json.Unmarshal(m.Content, &req)
		status, indent := dsl.IsComplete(req.Code)
		k.reply(sock, m, "is_complete_reply", map[string]any{"status": status, "indent": indent})
	case "comm_info_request":
		k.reply(sock, m, "comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}})
	case "history_request":
		k.reply(sock, m, "history_reply", map[string]any{"status": "ok", "history": k.hist.reply(m.Content)})
	case "interrupt_request":
		k.interrupt()
		k.reply(sock, m, "interrupt_reply", map[string]any{"status": "ok"})
	case "shutdown_request":
		var req struct {
			Restart bool `json:"restart"`
		}
		json.Unmarshal(m.Content, &req)
		k.interrupt()
		k.reply(sock, m, "shutdown_reply", map[string]any{"status": "ok", "restart": req.Restart})
		k.log.Printf("shutdown requested (restart=%v)", req.Restart)
		// Stop after the reply and the idle status have left the sockets.
		time.AfterFunc(shutdownFlush, k.stop)
	case "comm_open":
		// No comm targets: close it so the front-end does not wait.
		var req struct {
			CommID string `json:"comm_id"`
		}
		json.Unmarshal(m.Content, &req)
		k.publish(m, "comm_close", map[string]any{"comm_id": req.CommID, "data": map[string]any{}})
	case "comm_msg", "comm_close":
		// Nothing to do without comm targets.
	default:
		k.log.Printf("unsupported request %s", t)
		if strings.HasSuffix(t, "_request") {
			k.reply(sock, m, strings.TrimSuffix(t, "_request")+"_reply",
				map[string]any{"status": "error", "ename": "Unsupported", "evalue": t + " is not supported", "traceback": []string{}})
		}
	}
	return false
}

// LanguageInfo is the language_info of the kernel_info reply, which Jupyter clients copy
// into a notebook's metadata; the headless runner writes the same.
func LanguageInfo() map[string]any {
	return map[string]any{
		"name":               "go",
		"version":            strings.TrimPrefix(runtime.Version(), "go"),
		"mimetype":           "text/x-go",
		"file_extension":     ".go",
		"pygments_lexer":     "go",
		"codemirror_mode":    "go",
		"nbconvert_exporter": "script",
	}
}

func (k *Kernel) kernelInfo() map[string]any {
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       ProtocolVersion,
		"implementation":         "im2im",
		"implementation_version": Version,
		"language_info":          LanguageInfo(),
		"banner":                 "im2im " + Version + ": Go cells (yaegi) for biomedical image-to-image deep learning. %help lists the magics.",
		"help_links":             []any{},
	}
}
