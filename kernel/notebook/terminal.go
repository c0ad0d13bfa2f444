package notebook

import (
	"fmt"
	"html"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/im2im/im2im/stdlib/display"
)

// liveEvery is how often live display updates are printed when the terminal
// cannot overwrite a line (a log file, CI).
const liveEvery = 2 * time.Second

// terminal writes the run's progress lines and, on request, the cells' output and
// their live displays as text. A nil writer prints nothing. Its methods are called
// with the run's lock held.
type terminal struct {
	w         io.Writer
	tty       bool // w is a character device: live lines are rewritten in place
	logOutput bool // echo cell output
	progress  bool // render live (display id) displays as text progress

	open      bool      // a live line is on screen without its newline (tty)
	midLine   bool      // echoed output did not end with a newline
	lastLive  time.Time // when the last live line was printed (non-tty)
	pendLive  string    // a live line not yet printed (non-tty throttling)
	printLive string    // the last live line printed
}

// newTerminal returns a terminal writing to w.
func newTerminal(w io.Writer, logOutput, progress bool) *terminal {
	return &terminal{w: w, logOutput: logOutput, progress: progress, tty: IsTerminal(w)}
}

// IsTerminal reports whether w is a character device (a terminal), where
// progress lines can be rewritten in place.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printf writes a whole line, first ending a live line or echoed output.
func (t *terminal) printf(format string, a ...any) {
	if t.w == nil {
		return
	}
	t.breakLine()
	fmt.Fprintf(t.w, format+"\n", a...)
}

// breakLine ends a live line left open or echoed output without a final newline.
func (t *terminal) breakLine() {
	if t.open || t.midLine {
		io.WriteString(t.w, "\n")
		t.open, t.midLine = false, false
	}
}

// stream echoes cell output (--log-output).
func (t *terminal) stream(text string) {
	if t.w == nil || !t.logOutput || text == "" {
		return
	}
	if t.open {
		io.WriteString(t.w, "\n")
		t.open = false
	}
	io.WriteString(t.w, text)
	t.midLine = !strings.HasSuffix(text, "\n")
}

// display echoes a one-off display (--log-output) as its text.
func (t *terminal) display(mime map[string]any) {
	if t.w == nil || !t.logOutput {
		return
	}
	t.printf("%s", bundleText(mime, false))
}

// live shows a display with an id (a live panel: training progress) as one text
// line (--progress): rewritten in place on a terminal, at most every liveEvery
// otherwise.
func (t *terminal) live(d display.Data) { t.liveText(bundleText(d.MIME, true)) }

// liveText renders a live display update.
func (t *terminal) liveText(s string) {
	if t.w == nil || !t.progress || s == "" {
		return
	}
	if t.tty {
		if t.midLine {
			io.WriteString(t.w, "\n")
			t.midLine = false
		}
		fmt.Fprintf(t.w, "\r\x1b[K  %s", s)
		t.open = true
		t.printLive = s
		return
	}
	if time.Since(t.lastLive) < liveEvery {
		t.pendLive = s
		return
	}
	t.printf("  %s", s)
	t.lastLive, t.pendLive, t.printLive = time.Now(), "", s
}

// flushLive prints the last throttled live line, so a log shows the final state.
func (t *terminal) flushLive() {
	if t.w == nil {
		return
	}
	if t.pendLive != "" && t.pendLive != t.printLive {
		t.printf("  %s", t.pendLive)
	}
	t.pendLive, t.printLive = "", ""
	t.lastLive = time.Time{}
	t.breakLine()
}

// bundleText is a MIME bundle as text: its text/plain (on one line when oneLine),
// else the list of its MIME types.
func bundleText(mime map[string]any, oneLine bool) string {
	if s, ok := mime["text/plain"].(string); ok {
		if h, ok := mime["text/html"].(string); ok && h == s {
			s = htmlText(s) // display.HTML repeats the HTML as text/plain
		}
		if !oneLine {
			return strings.TrimRight(s, "\n")
		}
		var parts []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				parts = append(parts, l)
			}
		}
		return cut(strings.Join(parts, " | "), 160)
	}
	types := make([]string, 0, len(mime))
	for k := range mime {
		types = append(types, k)
	}
	sort.Strings(types)
	return "[display: " + strings.Join(types, ", ") + "]"
}

// cut shortens s to at most n runes, marking the cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

var (
	breakTags = regexp.MustCompile(`(?i)<(br|/p|/div|/tr|/li|/h[1-6])\b[^>]*>`)
	anyTag    = regexp.MustCompile(`<[^>]*>`)
)

// htmlText is the text of an HTML fragment: tags dropped (line-breaking ones
// become newlines), entities decoded.
func htmlText(s string) string {
	s = breakTags.ReplaceAllString(s, "\n")
	s = anyTag.ReplaceAllString(s, "")
	return html.UnescapeString(s)
}
