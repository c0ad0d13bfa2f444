package notebook

import (
	"encoding/json"
	"fmt"
	"time"
)

// RecordCrash records in nb that the process running it died in code cell
// cell (1-based position, all cells counted) with execution count count: an
// error output ename name, evalue cause, with traceback lines tb, after the
// outputs the cell had when the notebook was last saved; metadata im2im.run
// becomes "failed" naming the cell. The caller (a supervisor) writes nb.
func RecordCrash(nb *Notebook, cell, count int, name, cause string, tb []string) (*CellError, error) {
	if cell < 1 || cell > len(nb.Cells) || nb.Cells[cell-1].Type != "code" {
		return nil, fmt.Errorf("record crash: cell %d is not a code cell of the notebook (%d cells)", cell, len(nb.Cells))
	}
	c := nb.Cells[cell-1]
	c.ExecutionCount = count
	c.Outputs = append(c.Outputs, &Output{Type: "error", EName: name, EValue: cause, Traceback: tb})
	ce := &CellError{Cell: cell, Count: count, Name: name, Msg: cause}
	run := map[string]any{}
	if raw, ok := nb.Metadata["im2im"]; ok {
		var m struct {
			Run map[string]any `json:"run"`
		}
		if json.Unmarshal(raw, &m) == nil && m.Run != nil {
			run = m.Run
		}
	}
	end := time.Now()
	run["status"], run["failed_cell"], run["error"], run["end_time"] = "failed", cell, ce.Error(), stamp(end)
	if s, ok := run["start_time"].(string); ok {
		if t, err := time.Parse("2006-01-02T15:04:05.000000Z", s); err == nil {
			run["duration_s"] = end.Sub(t).Seconds()
		}
	}
	return ce, nb.SetMetadata("im2im", map[string]any{"run": run})
}
