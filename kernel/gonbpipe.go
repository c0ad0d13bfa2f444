package kernel

import (
	"encoding/base64"
	"encoding/gob"
	"errors"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/im2im/im2im/stdlib/display"
)

// ServeGonbPipe lets compiled code that displays through GoNB's gonbui package
// (GoMLX's plots, for example) show its output in this kernel: it creates the two
// named pipes of GoNB's protocol, sets GONB_PIPE and GONB_PIPE_BACK, marks gonbui
// as running in a notebook, and serves the pipes in-process: display data becomes
// display.Publish calls (so it reaches the running cell), sync requests are
// acknowledged. It returns the pipe directory, or "" when pipes are unavailable.
// The directory records this process as its owner; folders of owners that are
// gone (killed kernels) are removed first.
func ServeGonbPipe(logger *log.Logger) string {
	removeStaleGonbDirs(os.TempDir(), logger)
	dir, err := os.MkdirTemp("", strings.TrimSuffix(gonbDirPattern, "*"))
	if err != nil {
		logger.Printf("GONB_PIPE: %v", err)
		return ""
	}
	if err := writeGonbOwner(dir); err != nil {
		logger.Printf("GONB_PIPE: %v", err)
	}
	toKernel := filepath.Join(dir, "gonb_pipe")
	back := filepath.Join(dir, "gonb_pipe_back")
	for _, p := range []string{toKernel, back} {
		if err := mkfifo(p); err != nil {
			logger.Printf("GONB_PIPE: mkfifo %s: %v", p, err)
			return ""
		}
	}
	os.Setenv(protocol.GONB_PIPE_ENV, toKernel)
	os.Setenv(protocol.GONB_PIPE_BACK_ENV, back)
	gonbui.IsNotebook = true
	go serveGonb(toKernel, back, logger)
	return dir
}

// serveGonb reads gob-encoded DisplayData from the program's pipe until it closes.
func serveGonb(toKernel, back string, logger *log.Logger) {
	r, err := os.OpenFile(toKernel, os.O_RDONLY, 0) // blocks until gonbui opens it
	if err != nil {
		logger.Printf("GONB_PIPE: %v", err)
		return
	}
	defer r.Close()
	w, err := os.OpenFile(back, os.O_WRONLY, 0)
	if err != nil {
		logger.Printf("GONB_PIPE_BACK: %v", err)
		return
	}
	defer w.Close()
	dec := gob.NewDecoder(r)
	enc := gob.NewEncoder(w)
	var encMu sync.Mutex
	shown := map[string]bool{}
	for {
		var dd protocol.DisplayData
		if err := dec.Decode(&dd); err != nil {
			if !errors.Is(err, io.EOF) {
				logger.Printf("GONB_PIPE: %v", err)
			}
			return
		}
		if cv, ok := commValue(dd.Data[protocol.MIMECommValue]); ok {
			if cv.Address == protocol.GonbuiSyncAddress {
				encMu.Lock()
				err := enc.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: cv.Value})
				encMu.Unlock()
				if err != nil {
					logger.Printf("GONB_PIPE_BACK: %v", err)
					return
				}
			}
			continue
		}
		if _, ok := dd.Data[protocol.MIMEJupyterInput]; ok {
			logger.Print("GONB_PIPE: input requests through gonbui are not supported")
			continue
		}
		d := gonbData(&dd)
		if d.ID != "" {
			d.Update = shown[d.ID]
			shown[d.ID] = true
		}
		display.Publish(d)
	}
}

// gonbData converts GoNB display data: byte contents become base64 text.
func gonbData(dd *protocol.DisplayData) display.Data {
	d := display.Data{MIME: map[string]any{}, Metadata: dd.Metadata, ID: dd.DisplayID}
	for k, v := range dd.Data {
		switch x := v.(type) {
		case []byte:
			d.MIME[string(k)] = base64.StdEncoding.EncodeToString(x)
		default:
			d.MIME[string(k)] = x
		}
	}
	return d
}

// commValue extracts a CommValue sent by value or by pointer.
func commValue(v any) (*protocol.CommValue, bool) {
	switch x := v.(type) {
	case *protocol.CommValue:
		return x, x != nil
	case protocol.CommValue:
		return &x, true
	}
	return nil, false
}
