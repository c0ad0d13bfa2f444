package display

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

func collect(t *testing.T) (*[]Data, context.CancelFunc) {
	t.Helper()
	var got []Data
	ctx, cancel := context.WithCancel(context.Background())
	detach := Attach(ctx, func(d Data) { got = append(got, d) })
	t.Cleanup(func() { detach(); cancel() })
	return &got, cancel
}

func TestImageAndPNG(t *testing.T) {
	got, _ := collect(t)
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	img.SetGray(1, 1, color.Gray{200})
	if err := Image(img); err != nil {
		t.Fatal(err)
	}
	d := (*got)[0]
	b, err := base64.StdEncoding.DecodeString(d.MIME["image/png"].(string))
	if err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(bytes.NewReader(b))
	if err != nil || back.Bounds().Dx() != 3 || back.Bounds().Dy() != 2 {
		t.Fatalf("decoded %v %v", back, err)
	}
	if r, _, _, _ := back.At(1, 1).RGBA(); r>>8 != 200 {
		t.Errorf("pixel value %d", r>>8)
	}
	if d.MIME["text/plain"] != "<PNG image 3x2>" {
		t.Errorf("text/plain %v", d.MIME["text/plain"])
	}
	if err := PNG([]byte("not a png")); err == nil || !strings.Contains(err.Error(), "not a PNG") {
		t.Errorf("PNG of garbage: %v", err)
	}
	if err := Image(nil); err == nil {
		t.Error("Image(nil) accepted")
	}
}

func TestHandleAndContext(t *testing.T) {
	got, cancel := collect(t)
	h, h2 := NewHandle(), NewHandle()
	if h.ID() == h2.ID() {
		t.Fatal("handles share an id")
	}
	h.Text("a")
	h.Markdown("b")
	HTML("<p>")
	if len(*got) != 3 || (*got)[0].Update || !(*got)[1].Update || (*got)[1].ID != h.ID() || (*got)[2].ID != "" ||
		(*got)[1].MIME["text/markdown"] != "b" {
		t.Errorf("outputs %+v", *got)
	}
	ctx := Context()
	if ctx.Err() != nil {
		t.Fatal("context done too early")
	}
	cancel()
	if ctx.Err() == nil {
		t.Error("Context is not the attached one")
	}
}

func TestAttachNestsAndSummary(t *testing.T) {
	if Context() != context.Background() {
		t.Fatal("Context outside a cell is not Background")
	}
	var outer, inner int
	d1 := Attach(context.Background(), func(Data) { outer++ })
	d2 := Attach(context.Background(), func(Data) { inner++ })
	Text("x")
	d2()
	Text("y")
	d1()
	if outer != 1 || inner != 1 {
		t.Errorf("outer %d inner %d", outer, inner)
	}
	if s := summary(Data{MIME: map[string]any{"image/png": "..", "image/svg+xml": ".."}}); s != "[display: image/png, image/svg+xml]" {
		t.Errorf("summary %q", s)
	}
}
