package im2im

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"testing"

	"github.com/im2im/im2im/stdlib/display"
)

func TestEvaluationPlot(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ev    Evaluation
		wantW int // minimum PNG width: one chart per metric side by side
	}{
		{"three images, two metrics", Evaluation{Names: []string{"dice", "iou"}, IDs: []string{"a", "b", "c"},
			Values: [][]float64{{0.9, 0.8}, {0.7, 0.55}, {0.95, 0.9}}}, 2 * 300},
		{"one image", Evaluation{Names: []string{"psnr"}, IDs: []string{"a"}, Values: [][]float64{{31.5}}}, 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.ev.Figure()
			if f.Err() != nil {
				t.Fatal(f.Err())
			}
			img, err := png.Decode(bytes.NewReader(f.PNG()))
			if err != nil {
				t.Fatal(err)
			}
			if w := img.Bounds().Dx(); w < tc.wantW {
				t.Errorf("figure %d px wide, want ≥ %d for %d metric(s)", w, tc.wantW, len(tc.ev.Names))
			}
			// Plot shows the same PNG in the running cell.
			var got []display.Data
			detach := display.Attach(context.Background(), func(d display.Data) { got = append(got, d) })
			tc.ev.Plot()
			detach()
			if len(got) != 1 {
				t.Fatalf("Plot published %d outputs, want 1", len(got))
			}
			b64, _ := got[0].MIME["image/png"].(string)
			shown, err := base64.StdEncoding.DecodeString(b64)
			if err != nil || !bytes.Equal(shown, f.PNG()) {
				t.Errorf("Plot showed %d bytes (%v), want the figure's %d-byte PNG", len(shown), err, len(f.PNG()))
			}
		})
	}
	// Nothing evaluated: an empty chart saying so, as Run.Curves before training.
	if f := (&Evaluation{}).Figure(); f.Err() != nil || len(f.PNG()) == 0 {
		t.Errorf("empty evaluation: %v", f.Err())
	}
}
