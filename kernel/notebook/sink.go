package notebook

import (
	"maps"
	"sync"

	"github.com/im2im/im2im/dsl"
	"github.com/im2im/im2im/stdlib/display"
)

// recorder is the dsl.Sink of one cell: it appends outputs to the cell as a
// Jupyter client stores the kernel's messages and echoes them to the terminal.
// All recorders of a run share mu (also held while the notebook is saved) and the
// display-id registry.
type recorder struct {
	mu     *sync.Mutex
	cell   *Cell
	ids    map[string][]shown // display id → outputs showing it, across cells
	dirty  map[*Cell]bool     // cells changed other than the running one
	term   *terminal
	closed bool // the runner gave up on the cell: drop what still arrives
	clear  bool // display.Clear: clear the outputs when the next one arrives
}

// shown is an output showing a display id, and its cell.
type shown struct {
	cell *Cell
	out  *Output
}

// Stream appends text, merged into the previous output if it is the same stream.
func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.clearPending()
	outs := r.cell.Outputs
	if n := len(outs); n > 0 && outs[n-1].Type == "stream" && outs[n-1].Name == name {
		outs[n-1].Text = outs[n-1].buf.add(text)
	} else {
		o := &Output{Type: "stream", Name: name}
		o.Text = o.buf.add(text)
		r.cell.Outputs = append(outs, o)
	}
	r.term.stream(text)
}

// Display records display_data; with a display id it also rewrites every earlier
// output of that id (in any cell), and an update only does that.
func (r *recorder) Display(d display.Data) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if wait, ok := d.MIME[display.ClearMIME].(bool); ok {
		r.clear = true
		if !wait {
			r.clearPending()
		}
		return
	}
	if !d.Update {
		r.clearPending()
	}
	md := maps.Clone(d.Metadata)
	if md == nil {
		md = map[string]any{}
	}
	if d.ID != "" {
		for _, s := range r.ids[d.ID] {
			s.out.Data, s.out.Metadata = maps.Clone(d.MIME), maps.Clone(md)
			r.dirty[s.cell] = true
		}
		r.term.live(d)
		if d.Update {
			return
		}
	} else if d.Update {
		return // an update without an id changes nothing
	}
	o := &Output{Type: "display_data", Data: maps.Clone(d.MIME), Metadata: md}
	r.cell.Outputs = append(r.cell.Outputs, o)
	if d.ID != "" {
		r.ids[d.ID] = append(r.ids[d.ID], shown{r.cell, o})
	} else {
		r.term.display(d.MIME)
	}
}

// clearPending clears the cell's outputs if display.Clear asked for it, as a
// Jupyter client does for clear_output: the display ids they showed no longer
// point into the cell.
func (r *recorder) clearPending() {
	if !r.clear {
		return
	}
	r.clear = false
	r.cell.Outputs = nil
	for id, list := range r.ids {
		kept := list[:0]
		for _, s := range list {
			if s.cell != r.cell {
				kept = append(kept, s)
			}
		}
		r.ids[id] = kept
	}
}

// Input fails: a headless run has no one to type.
func (r *recorder) Input(string, bool) (string, error) {
	return "", &dsl.Error{Name: dsl.ErrInput,
		Msg: "the cell reads standard input, but a headless run has none; pass the value as a parameter instead"}
}

// close drops further output of the cell.
func (r *recorder) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
}
