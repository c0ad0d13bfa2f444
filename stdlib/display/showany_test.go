package display

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
)

type selfShower struct{ called *int }

func (s selfShower) Show() { *s.called++; Text("shown by itself") }

type bundle struct{}

func (bundle) MIMEBundle() map[string]any {
	return map[string]any{"text/html": "<i>b</i>", "text/plain": "b"}
}

func TestShow(t *testing.T) {
	got, _ := collect(t)
	img := image.NewGray(image.Rect(0, 0, 4, 3))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	calls := 0
	err := Show(img, buf.Bytes(), selfShower{&calls}, bundle{}, errors.New("oops"), "hello", 42)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"<PNG image 4x3>", "<PNG image 4x3>", "shown by itself", "b", "oops", "hello", "42"}
	if len(*got) != len(want) || calls != 1 {
		t.Fatalf("%d outputs (Show called %d times), want %d", len(*got), calls, len(want))
	}
	for i, w := range want {
		if p := (*got)[i].MIME["text/plain"]; p != w {
			t.Errorf("output %d: text/plain %q, want %q", i, p, w)
		}
	}
	if _, ok := (*got)[3].MIME["text/html"]; !ok {
		t.Errorf("the bundle lost its HTML: %v", (*got)[3].MIME)
	}
}

func TestShowBadItems(t *testing.T) {
	got, _ := collect(t)
	var nilImg *image.Gray
	err := Show(nil, []byte("not a png"), nilImg, "still shown")
	if err == nil {
		t.Fatal("no error for a nil item, non-PNG bytes and a nil image")
	}
	for _, w := range []string{"item 0 (<nil>): nil", "item 1 ([]uint8): display.PNG: not a PNG", "item 2 (*image.Gray): nil image"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if len(*got) != 1 || (*got)[0].MIME["text/plain"] != "still shown" {
		t.Errorf("the good item was not shown: %v", *got)
	}
}
