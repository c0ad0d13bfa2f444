package display

// ClearMIME is the MIME key of a display output that is no output but a request
// to clear the cell's output (Jupyter's clear_output); its value is the wait flag.
// Front-ends (the kernel, the headless runner) turn it into a clear.
const ClearMIME = "application/vnd.im2im.clear-output"

// Clear clears the running cell's output when its next output arrives
// (clear_output with wait=true): redrawing a figure in a loop as
// display.Clear(); fig.Show() then replaces it without flicker. Outside a cell
// it does nothing.
func Clear() { publishClear(true) }

// ClearNow clears the running cell's output at once (clear_output with
// wait=false). Outside a cell it does nothing.
func ClearNow() { publishClear(false) }

func publishClear(wait bool) {
	if InCell() {
		Publish(Data{MIME: map[string]any{ClearMIME: wait}})
	}
}
