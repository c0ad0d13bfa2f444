package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/im2im/im2im/dsl"
	"github.com/im2im/im2im/kernel/supervise"
	"github.com/im2im/im2im/stdlib/display"
)

type executeRequest struct {
	Code            string            `json:"code"`
	UserExpressions map[string]string `json:"user_expressions"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history"`
	AllowStdin      bool              `json:"allow_stdin"`
	StopOnError     bool              `json:"stop_on_error"`
}

// execute runs one execute_request: execute_input, the cell's outputs on iopub,
// then execute_result or error, and the execute_reply. It returns true when the
// cell failed and the request asked to stop on error.
func (k *Kernel) execute(sock zmq4.Socket, m *Message) (abort bool) {
	req := executeRequest{StopOnError: true}
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(sock, m, "execute_reply", map[string]any{"status": "error", "ename": "BadRequest",
			"evalue": "execute_request content: " + err.Error(), "traceback": []string{}, "execution_count": k.count})
		return false
	}
	store := !req.Silent && (req.StoreHistory == nil || *req.StoreHistory)
	if store {
		k.count++
	}
	count := k.count
	k.rep.Send(supervise.Event{Kind: supervise.KindStart, MsgID: m.Header.MsgID, Count: count, Silent: req.Silent})
	if !req.Silent {
		k.publish(m, "execute_input", map[string]any{"code": req.Code, "execution_count": count})
		if k.notice != "" {
			k.publish(m, "stream", map[string]any{"name": "stderr", "text": k.notice})
			k.notice = ""
		}
	}

	ctx, cancel := context.WithCancel(k.ctx)
	k.cellMu.Lock()
	k.cancel = cancel
	k.cellMu.Unlock()
	sink := &iopubSink{k: k, ctx: ctx, parent: m, silent: req.Silent, allowStdin: req.AllowStdin}
	res, err := k.dsl.Execute(ctx, req.Code, sink)
	k.cellMu.Lock()
	k.cancel = nil
	k.cellMu.Unlock()
	cancel()

	if err != nil {
		ename, evalue, tb := errorParts(err, req.Code)
		if !req.Silent {
			k.publish(m, "error", map[string]any{"ename": ename, "evalue": evalue, "traceback": tb})
		}
		if store {
			k.hist.add(count, req.Code, nil)
		}
		if req.StopOnError {
			k.errAt = time.Now()
		}
		k.reply(sock, m, "execute_reply", map[string]any{"status": "error", "execution_count": count,
			"ename": ename, "evalue": evalue, "traceback": tb})
		return req.StopOnError
	}
	if store {
		var output any
		if res.Data != nil {
			output = res.Data["text/plain"]
		}
		k.hist.add(count, req.Code, output)
	}
	if res.Data != nil && !req.Silent {
		k.publish(m, "execute_result", map[string]any{"execution_count": count, "data": res.Data, "metadata": map[string]any{}})
	}
	k.reply(sock, m, "execute_reply", map[string]any{"status": "ok", "execution_count": count,
		"user_expressions": k.userExpressions(req.UserExpressions), "payload": []any{}})
	return false
}

// userExpressions evaluates the user_expressions of an execute_request after the
// cell, each to its MIME bundle or an error.
func (k *Kernel) userExpressions(exprs map[string]string) map[string]any {
	out := map[string]any{}
	for name, expr := range exprs {
		res, err := k.dsl.Execute(k.ctx, expr, dsl.DiscardSink{})
		if err != nil {
			ename, evalue, tb := errorParts(err, expr)
			out[name] = map[string]any{"status": "error", "ename": ename, "evalue": evalue, "traceback": tb}
			continue
		}
		data := res.Data
		if data == nil {
			data = map[string]any{}
		}
		out[name] = map[string]any{"status": "ok", "data": data, "metadata": map[string]any{}}
	}
	return out
}

// errorParts turns a cell failure into ename, evalue and a traceback that shows the
// failing cell line with a caret under the column.
func errorParts(err error, code string) (string, string, []string) {
	var e *dsl.Error
	if !errors.As(err, &e) {
		return "Error", err.Error(), []string{err.Error()}
	}
	tb := []string{e.Error()}
	if e.Line > 0 {
		lines := strings.Split(code, "\n")
		if e.Line <= len(lines) {
			prefix := fmt.Sprintf("%4d | ", e.Line)
			tb = append(tb, prefix+lines[e.Line-1])
			if e.Col > 0 {
				tb = append(tb, strings.Repeat(" ", len(prefix)+e.Col-1)+"^")
			}
		}
	}
	tb = append(tb, e.Trace...)
	return e.Name, e.Msg, tb
}

// iopubSink publishes a cell's outputs on iopub, parented to its execute_request.
type iopubSink struct {
	k          *Kernel
	ctx        context.Context // the cell's context
	parent     *Message
	silent     bool
	allowStdin bool
}

// Stream publishes a stream message.
func (s *iopubSink) Stream(name, text string) {
	if s.silent {
		return
	}
	s.k.publish(s.parent, "stream", map[string]any{"name": name, "text": text})
}

// Display publishes display_data or update_display_data.
func (s *iopubSink) Display(d display.Data) {
	if s.silent {
		return
	}
	if wait, ok := d.MIME[display.ClearMIME].(bool); ok {
		s.k.publish(s.parent, "clear_output", map[string]any{"wait": wait})
		return
	}
	md := d.Metadata
	if md == nil {
		md = map[string]any{}
	}
	content := map[string]any{"data": d.MIME, "metadata": md, "transient": map[string]any{}}
	if d.ID != "" {
		content["transient"] = map[string]any{"display_id": d.ID}
	}
	msgType := "display_data"
	if d.Update && d.ID != "" {
		msgType = "update_display_data"
	}
	s.k.publish(s.parent, msgType, content)
}

// Input sends an input_request on stdin and waits for the input_reply.
func (s *iopubSink) Input(prompt string, password bool) (string, error) {
	if !s.allowStdin {
		return "", &dsl.Error{Name: dsl.ErrInput, Msg: "the cell reads standard input, but this front-end does not allow stdin"}
	}
	// Drop a stale reply, if any.
	select {
	case <-s.k.inputReplies:
	default:
	}
	s.k.send(s.k.stdin, s.parent.Identities, "input_request", headerJSON(s.parent),
		map[string]any{"prompt": prompt, "password": password})
	select {
	case r := <-s.k.inputReplies:
		var c struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(r.Content, &c); err != nil {
			return "", fmt.Errorf("input_reply: %w", err)
		}
		return c.Value, nil
	case <-s.ctx.Done():
		return "", s.ctx.Err()
	}
}
