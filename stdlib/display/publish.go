package display

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
)

// Data is one display output: a MIME bundle (MIME type → content: a string for text
// types, base64 text for images), its metadata, and an optional display id. Update
// is true when the output replaces an earlier one with the same ID.
type Data struct {
	MIME     map[string]any
	Metadata map[string]any
	ID       string
	Update   bool
}

// Publisher receives the display outputs of the running cell.
type Publisher func(Data)

type cellState struct {
	ctx     context.Context
	publish Publisher
}

var (
	mu      sync.RWMutex
	current *cellState
)

// Attach makes publish receive every display output and ctx the value of Context
// until the returned detach function is called. The interpreter calls it around
// each cell; nested attachments restore the previous one on detach.
func Attach(ctx context.Context, publish Publisher) (detach func()) {
	mu.Lock()
	prev := current
	current = &cellState{ctx: ctx, publish: publish}
	mu.Unlock()
	return func() {
		mu.Lock()
		current = prev
		mu.Unlock()
	}
}

// Context returns the context of the running cell: it is cancelled when the user
// interrupts the cell. Long compiled calls (training, inference) should watch it.
// Outside a cell it returns context.Background().
func Context() context.Context {
	mu.RLock()
	defer mu.RUnlock()
	if current == nil || current.ctx == nil {
		return context.Background()
	}
	return current.ctx
}

// Publish sends d to the running cell's publisher; outside a cell it prints a
// text summary of d to standard output.
func Publish(d Data) {
	mu.RLock()
	cur := current
	mu.RUnlock()
	if cur != nil && cur.publish != nil {
		cur.publish(d)
		return
	}
	fmt.Fprintln(os.Stdout, summary(d))
}

// summary is the plain-text form of d used outside a notebook.
func summary(d Data) string {
	if t, ok := d.MIME["text/plain"].(string); ok {
		return t
	}
	types := make([]string, 0, len(d.MIME))
	for k := range d.MIME {
		types = append(types, k)
	}
	sort.Strings(types)
	return "[display: " + strings.Join(types, ", ") + "]"
}

// Bundler is implemented by values that know how a notebook should show them
// (a plot, a training run): when a cell's last expression is a Bundler, its MIME
// bundle (MIME type → content, as in Data.MIME) is the cell's result.
type Bundler interface {
	MIMEBundle() map[string]any
}

// InCell reports whether a cell is running with a publisher attached, i.e.
// whether displays reach a notebook rather than standard output. Long calls use
// it to choose between a live panel and terminal progress lines.
func InCell() bool {
	mu.RLock()
	defer mu.RUnlock()
	return current != nil && current.publish != nil
}
