package store

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// TextProgress returns a Progress reporting a build on w, each report
// starting with label: on a terminal a bar redrawn in place; elsewhere (a
// pipe, a log file, a notebook cell) a line when the build starts, one about
// every tenth of it and one at the end. A build that finds every sample
// stored prints a single line saying so.
func TextProgress(w io.Writer, label string) Progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	var (
		mu     sync.Mutex
		calls  int
		decile = -1
	)
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		switch {
		case calls == 1 && done == total:
			fmt.Fprintf(w, "%s: all %d samples already stored\n", label, total)
		case tty:
			const width = 30
			fill := width * done / max(1, total)
			fmt.Fprintf(w, "\r%s [%s%s] %d/%d", label, strings.Repeat("#", fill), strings.Repeat(" ", width-fill), done, total)
			if done == total {
				fmt.Fprintln(w)
			}
		case calls == 1:
			fmt.Fprintf(w, "%s: %d of %d samples to store (%d/%d)\n", label, total-done, total, done, total)
			decile = 10 * done / max(1, total)
		case 10*done/max(1, total) > decile || done == total:
			decile = 10 * done / max(1, total)
			fmt.Fprintf(w, "%s: %d/%d\n", label, done, total)
		}
	}
}
