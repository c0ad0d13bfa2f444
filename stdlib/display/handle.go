package display

import (
	"fmt"
	"image"
	"sync"
	"sync/atomic"
	"time"
)

var handleSeq atomic.Uint64

// Handle is an updatable display: its first output is a display_data message, each
// later one an update_display_data that replaces it in place (a live loss curve,
// a progress line). Create one with NewHandle; a Handle is safe for concurrent use.
type Handle struct {
	id    string
	mu    sync.Mutex
	shown bool
}

// NewHandle returns a Handle with a fresh, process-unique display id.
func NewHandle() *Handle {
	return &Handle{id: fmt.Sprintf("im2im-%d-%d", time.Now().UnixNano(), handleSeq.Add(1))}
}

// ID returns the handle's display id.
func (h *Handle) ID() string { return h.id }

func (h *Handle) publish(m, md map[string]any) {
	h.mu.Lock()
	update := h.shown
	h.shown = true
	h.mu.Unlock()
	Publish(Data{MIME: m, Metadata: md, ID: h.id, Update: update})
}

// PNG shows (or replaces the handle's output with) PNG-encoded bytes.
func (h *Handle) PNG(b []byte) error { return h.PNGAlt(b, "") }

// PNGAlt is PNG with alt as the plain-text form (see the function PNGAlt).
func (h *Handle) PNGAlt(b []byte, alt string) error {
	m, md, err := pngBundle(b, alt)
	if err != nil {
		return err
	}
	h.publish(m, md)
	return nil
}

// Image shows (or replaces the handle's output with) img, encoded as PNG.
func (h *Handle) Image(img image.Image) error {
	m, md, err := imageBundle(img)
	if err != nil {
		return err
	}
	h.publish(m, md)
	return nil
}

// HTML shows (or replaces the handle's output with) an HTML fragment.
func (h *Handle) HTML(html string) { h.publish(textBundle("text/html", html), nil) }

// HTMLAlt is HTML with alt as the plain-text form (see the function HTMLAlt).
func (h *Handle) HTMLAlt(html, alt string) {
	h.publish(map[string]any{"text/html": html, "text/plain": alt}, nil)
}

// Markdown shows (or replaces the handle's output with) Markdown text.
func (h *Handle) Markdown(md string) { h.publish(textBundle("text/markdown", md), nil) }

// SVG shows (or replaces the handle's output with) an SVG document.
func (h *Handle) SVG(svg string) { h.publish(textBundle("image/svg+xml", svg), nil) }

// Text shows (or replaces the handle's output with) plain text.
func (h *Handle) Text(s string) { h.publish(textBundle("text/plain", s), nil) }
