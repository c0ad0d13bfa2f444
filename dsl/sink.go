package dsl

import "github.com/im2im/im2im/stdlib/display"

// Sink receives what a running cell produces. Execute calls it from several
// goroutines, but never concurrently: calls are serialised and, per stream, in the
// order the output was written.
type Sink interface {
	// Stream receives text the cell wrote to "stdout" or "stderr".
	Stream(name, text string)
	// Display receives a display output (display_data, or update_display_data
	// when d.Update is true).
	Display(d display.Data)
	// Input asks the user for one line of input (fmt.Scan* in a cell); it returns
	// an error when no input can be had (e.g. a headless run).
	Input(prompt string, password bool) (string, error)
}

// Result is what a successful cell evaluates to: the MIME bundle of its last
// expression (nil when the cell ends in a statement, a call returning nothing, only
// an error or (n, err)), and for %time cells, nothing extra: timings are printed.
type Result struct {
	Data map[string]any
}

// DiscardSink drops all output and answers input requests with an error.
type DiscardSink struct{}

// Stream drops text.
func (DiscardSink) Stream(string, string) {}

// Display drops d.
func (DiscardSink) Display(display.Data) {}

// Input fails: no input is available.
func (DiscardSink) Input(string, bool) (string, error) {
	return "", &Error{Name: ErrInput, Msg: "the cell reads standard input, but no input is available"}
}
