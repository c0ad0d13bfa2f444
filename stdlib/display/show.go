package display

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
)

// bundle builders: each returns the MIME bundle and metadata of one output.

// pngBundle shows b with alt (when not empty) as its plain-text form.
func pngBundle(b []byte, alt string) (map[string]any, map[string]any, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, nil, fmt.Errorf("display.PNG: not a PNG image: %w", err)
	}
	text := fmt.Sprintf("<PNG image %dx%d>", cfg.Width, cfg.Height)
	if alt != "" {
		text = fmt.Sprintf("%s <PNG %dx%d>", alt, cfg.Width, cfg.Height)
	}
	return map[string]any{
			"image/png":  base64.StdEncoding.EncodeToString(b),
			"text/plain": text,
		}, map[string]any{"image/png": map[string]any{"width": cfg.Width, "height": cfg.Height}},
		nil
}

func imageBundle(img image.Image) (map[string]any, map[string]any, error) {
	if img == nil {
		return nil, nil, fmt.Errorf("display.Image: nil image")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, nil, fmt.Errorf("display.Image: %w", err)
	}
	return pngBundle(buf.Bytes(), "")
}

func textBundle(mime, s string) map[string]any {
	if mime == "text/plain" {
		return map[string]any{"text/plain": s}
	}
	return map[string]any{mime: s, "text/plain": s}
}

// PNG displays PNG-encoded image bytes. It returns an error when b is not a PNG.
func PNG(b []byte) error { return PNGAlt(b, "") }

// PNGAlt displays PNG-encoded image bytes with alt, one line saying what the
// picture shows, as their plain-text form (terminals, diffs, Markdown exports).
func PNGAlt(b []byte, alt string) error {
	m, md, err := pngBundle(b, alt)
	if err != nil {
		return err
	}
	Publish(Data{MIME: m, Metadata: md})
	return nil
}

// Image displays img, encoded as PNG.
func Image(img image.Image) error {
	m, md, err := imageBundle(img)
	if err != nil {
		return err
	}
	Publish(Data{MIME: m, Metadata: md})
	return nil
}

// HTML displays an HTML fragment.
func HTML(html string) { Publish(Data{MIME: textBundle("text/html", html)}) }

// HTMLAlt displays an HTML fragment with alt as its plain-text form, for HTML
// that does not read as text (embedded pictures, tables).
func HTMLAlt(html, alt string) {
	Publish(Data{MIME: map[string]any{"text/html": html, "text/plain": alt}})
}

// Markdown displays Markdown text.
func Markdown(md string) { Publish(Data{MIME: textBundle("text/markdown", md)}) }

// SVG displays an SVG document.
func SVG(svg string) { Publish(Data{MIME: textBundle("image/svg+xml", svg)}) }

// Text displays plain text as a display output (not as a stream).
func Text(s string) { Publish(Data{MIME: textBundle("text/plain", s)}) }
