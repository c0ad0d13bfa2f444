package plot

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/im2im/im2im/stdlib/display"
)

// Figure is a rendered figure: its PNG bytes, or the error that prevented it.
type Figure struct {
	png []byte
	err error
}

// PNG returns the figure's PNG encoding (nil if rendering failed).
func (f *Figure) PNG() []byte { return f.png }

// Err returns the rendering error, if any.
func (f *Figure) Err() error { return f.err }

// Image decodes the figure.
func (f *Figure) Image() (image.Image, error) {
	if f.err != nil {
		return nil, f.err
	}
	return png.Decode(bytes.NewReader(f.png))
}

// Show displays the figure in the running cell (or its error as text).
func (f *Figure) Show() {
	if f.err != nil {
		display.Text("plot: " + f.err.Error())
		return
	}
	display.PNG(f.png)
}

// render draws rows×cols plots (nil entries left empty) onto one PNG of the given
// size in points.
func render(plots [][]*gplot.Plot, w, h vg.Length) *Figure {
	if len(plots) == 0 || len(plots[0]) == 0 {
		return &Figure{err: fmt.Errorf("nothing to plot")}
	}
	img := vgimg.New(w, h)
	dc := draw.New(img)
	t := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 2, PadY: vg.Millimeter * 2,
		PadTop: vg.Millimeter, PadBottom: vg.Millimeter, PadLeft: vg.Millimeter, PadRight: vg.Millimeter}
	canvases := gplot.Align(plots, t, dc)
	for i, row := range plots {
		for j, p := range row {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&b); err != nil {
		return &Figure{err: err}
	}
	return &Figure{png: b.Bytes()}
}
