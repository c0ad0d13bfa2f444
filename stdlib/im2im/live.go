package im2im

import (
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/train"
	"github.com/im2im/im2im/stdlib/display"
)

// refreshEvery bounds how often the notebook panel's curves are redrawn.
const refreshEvery = 2 * time.Second

// live shows a run's progress: in a notebook cell one updating panel (progress
// bar, loss/metric curves, every ImageEvery epochs an input/target/prediction
// panel); elsewhere a progress bar and one line per epoch on standard error.
type live struct {
	run      *Run
	model    *framework.Model
	enabled  bool
	notebook bool
	out      io.Writer
	tty      bool

	mu        sync.Mutex
	handle    *display.Handle
	steps     []float64
	hist      []train.EpochRecord // every epoch so far, resumed ones included
	based     bool                // hist starts from the trainer's resumed history
	hasVal    bool                // the run has validation data
	last      train.Progress
	drawn     time.Time // last curves redraw
	barAt     time.Time // last terminal bar
	curvesPNG []byte
	// objectives holds each objective's loss per step when there are several.
	objectives map[string][]float64
	imagesPNG  []byte
	imageEp    int
	updates    int
}

// inCell reports whether a notebook cell is running (displays reach a notebook).
func inCell() bool { return display.InCell() }

func newLive(r *Run, enabled bool) *live {
	l := &live{run: r, enabled: enabled, notebook: inCell(), out: os.Stderr}
	if fi, err := os.Stderr.Stat(); err == nil {
		l.tty = fi.Mode()&os.ModeCharDevice != 0
	}
	if l.notebook && enabled {
		l.handle = display.NewHandle()
	}
	return l
}

// endOfEpoch reports whether p is the last training step of its epoch.
func endOfEpoch(p train.Progress) bool {
	if p.Phase != "train" || p.Epochs <= 0 || p.Steps < p.Epochs {
		return false
	}
	return p.Step%(p.Steps/p.Epochs) == 0
}

// validates reports whether the trainer validates after epoch (as ml/train does:
// every trainer.val_every epochs and after the last one, when there is validation data).
func (l *live) validates(epoch, epochs int) bool {
	every := max(1, l.run.Config.Trainer.ValEvery)
	return l.hasVal && (epoch%every == 0 || epoch == epochs)
}

// record keeps the epoch history from the trainer's reports (a row at the end of
// every epoch, completed by its validation) and rewrites metrics.csv each time.
func (l *live) record(p train.Progress) {
	if !l.based {
		l.based = true
		if l.model != nil {
			l.hist = l.model.Trainer().State().History // the epochs of a resumed run
		}
	}
	changed := false
	switch {
	case endOfEpoch(p):
		l.hist = append(l.hist, train.EpochRecord{Epoch: p.Epoch, TrainLoss: p.EpochLoss, LR: p.LR})
		changed = true
	case p.Phase == "val":
		if n := len(l.hist); n > 0 && l.hist[n-1].Epoch == p.Epoch {
			l.hist[n-1].Validated, l.hist[n-1].Val = true, p.Val
		} else {
			l.hist = append(l.hist, train.EpochRecord{Epoch: p.Epoch, TrainLoss: p.EpochLoss, LR: p.LR, Validated: true, Val: p.Val})
		}
		changed = true
	}
	if changed && l.run.Dir != "" {
		// A failure here recurs when the run ends, where Train reports it.
		_ = writeMetricsCSV(l.run.Dir, l.hist)
	}
}

// progress is the trainer's callback.
func (l *live) progress(p train.Progress) {
	if cb := l.run.Config.Trainer.OnProgress; cb != nil {
		cb(p)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.record(p)
	if !l.enabled {
		return
	}
	l.last = p
	if p.Phase == "train" {
		l.steps = append(l.steps, p.Loss)
		for name, v := range p.Losses {
			if l.objectives == nil {
				l.objectives = map[string][]float64{}
			}
			l.objectives[name] = append(l.objectives[name], v)
		}
	}
	if !l.notebook {
		l.terminal(p)
		return
	}
	// The image panel follows validation, or the end of an epoch that is not
	// validated (no validation data, or trainer.val_every > 1).
	if p.Phase == "val" || (endOfEpoch(p) && !l.validates(p.Epoch, p.Epochs)) {
		every := l.run.Config.Trainer.ImageEvery
		if (every > 0 && p.Epoch%every == 0) || p.Epoch == p.Epochs {
			if f := imagesFigure(display.Context(), l.model, l.run.sample, l.run.Config.Data); f.Err() == nil {
				l.imagesPNG, l.imageEp = f.PNG(), p.Epoch
			}
		}
	}
	// The panel is redrawn at most every refreshEvery (the first step at once);
	// finish draws the final state.
	if now := time.Now(); now.Sub(l.drawn) >= refreshEvery && p.Phase != "done" {
		if f := curvesFigure(l.steps, l.hist, l.objectives, max(1, p.Epoch)); f.Err() == nil {
			l.curvesPNG = f.PNG()
		}
		l.drawn = now
		l.publish("")
	}
}

// publish renders the panel (status is an optional final line).
func (l *live) publish(status string) {
	p := l.last
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="im2im-run"><div><b>%s</b></div>`, html.EscapeString(l.run.Dir))
	// No style attributes: Jupyter Notebook's sanitizer of untrusted outputs (every
	// notebook opened from a file, e.g. `im2im run`'s) mangles them.
	fmt.Fprintf(&b, `<div><progress value="%d" max="%d"></progress> %s</div>`, p.Step, max(1, p.Steps), html.EscapeString(p.String()))
	if status != "" {
		fmt.Fprintf(&b, `<div>%s</div>`, html.EscapeString(status))
	}
	if l.curvesPNG != nil {
		fmt.Fprintf(&b, `<div><img src="data:image/png;base64,%s"/></div>`, base64.StdEncoding.EncodeToString(l.curvesPNG))
	}
	if l.imagesPNG != nil {
		fmt.Fprintf(&b, `<div>validation image after epoch %d</div><div><img src="data:image/png;base64,%s"/></div>`, l.imageEp, base64.StdEncoding.EncodeToString(l.imagesPNG))
	}
	b.WriteString("</div>")
	l.handle.HTMLAlt(b.String(), l.text(status))
	l.updates++
}

// text is the panel's plain-text form (terminals, diffs, Markdown exports):
// the run, its progress, the last validation and the status, a line each.
func (l *live) text(status string) string {
	lines := []string{"training run " + l.run.Dir, l.last.String()}
	for i := len(l.hist) - 1; i >= 0; i-- {
		if e := l.hist[i]; e.Validated && len(e.Val) > 0 {
			v := fmt.Sprintf("validation after epoch %d:", e.Epoch)
			for _, n := range metricNames(l.hist[i : i+1]) {
				v += fmt.Sprintf(" %s %.4g", n, e.Val[n])
			}
			lines = append(lines, v)
			break
		}
	}
	if status != "" {
		lines = append(lines, status)
	}
	return strings.Join(lines, "\n")
}

// terminal prints a progress bar (redrawn in place on a TTY, at most once a
// second), a line at the end of every epoch (its mean training loss), one per
// validation and one at the end.
func (l *live) terminal(p train.Progress) {
	now := time.Now()
	if endOfEpoch(p) {
		if l.tty {
			fmt.Fprint(l.out, "\r\033[K")
		}
		fmt.Fprintf(l.out, "epoch %d/%d train loss %.4g lr %.3g\n", p.Epoch, p.Epochs, p.EpochLoss, p.LR)
		l.barAt = time.Time{} // the next step redraws the bar
		return
	}
	if p.Phase == "train" && now.Sub(l.barAt) < time.Second && p.Step != p.Steps {
		return
	}
	if p.Phase == "train" {
		l.barAt = now
		const width = 24
		done := 0
		if p.Steps > 0 {
			done = width * p.Step / p.Steps
		}
		bar := "[" + strings.Repeat("#", done) + strings.Repeat(".", width-done) + "] " + p.String()
		if l.tty {
			fmt.Fprintf(l.out, "\r\033[K%s", bar)
		} else {
			fmt.Fprintln(l.out, bar)
		}
		return
	}
	if l.tty {
		fmt.Fprint(l.out, "\r\033[K")
	}
	fmt.Fprintln(l.out, p.String())
}

// finish draws the final panel (or line) after training.
func (l *live) finish(err error) {
	if !l.enabled {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	status := "done: " + l.run.Dir
	if err != nil {
		status = "stopped: " + err.Error()
	}
	if !l.notebook {
		if l.tty {
			fmt.Fprint(l.out, "\r\033[K")
		}
		fmt.Fprintln(l.out, status)
		return
	}
	if f := curvesFigure(l.steps, l.hist, l.objectives, max(1, l.last.Epoch)); f.Err() == nil {
		l.curvesPNG = f.PNG()
	}
	if err == nil {
		status = "done" // the panel's first line names the run already
	}
	l.publish(status)
}
