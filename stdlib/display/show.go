package display

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
)

// bundle builders: each returns the MIME bundle and metadata of one output.

func pngBundle(b []byte) (map[string]any, map[string]any, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, nil, fmt.Errorf("display.PNG: not a PNG image: %w", err)
	}
	return map[string]any{
			"image/png":  base64.StdEncoding.EncodeToString(b),
			"text/plain": fmt.Sprintf("<PNG image %dx%d>", cfg.Width, cfg.Height),
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
	return pngBundle(buf.Bytes())
}

func textBundle(mime, s string) map[string]any {
	if mime == "text/plain" {
		return map[string]any{"text/plain": s}
	}
	return map[string]any{mime: s, "text/plain": s}
}

// PNG displays PNG-encoded image bytes. It returns an error when b is not a PNG.
func PNG(b []byte) error {
	m, md, err := pngBundle(b)
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

// Markdown displays Markdown text.
func Markdown(md string) { Publish(Data{MIME: textBundle("text/markdown", md)}) }

// SVG displays an SVG document.
func SVG(svg string) { Publish(Data{MIME: textBundle("image/svg+xml", svg)}) }

// Text displays plain text as a display output (not as a stream).
func Text(s string) { Publish(Data{MIME: textBundle("text/plain", s)}) }
