package plot

import (
	"bytes"
	"errors"
	"image"
	"image/png"

	"github.com/im2im/im2im/stdlib/display"
)

// maxWidth is the widest figure in pixels. Notebook front ends scale wider
// pictures down to their output area (Jupyter Notebook's is about 970 pixels
// wide in a 1280-pixel window), which shrinks titles, tick labels and colour
// bar labels until they cannot be read; rows of panels and charts are laid out
// to fit instead.
const maxWidth = 960

// errNotRGBA reports an unexpected canvas image type.
var errNotRGBA = errors.New("plot: canvas is not an RGBA image")

// Figure is a rendered figure: its PNG bytes and a one-line description, or
// the error that prevented it.
type Figure struct {
	png  []byte
	text string
	err  error
}

// PNG returns the figure's PNG encoding (nil if rendering failed).
func (f *Figure) PNG() []byte { return f.png }

// Err returns the rendering error, if any.
func (f *Figure) Err() error { return f.err }

// String is the figure's one-line description (what it shows), the plain-text
// form notebooks keep beside the picture.
func (f *Figure) String() string {
	if f.err != nil {
		return "plot: " + f.err.Error()
	}
	return f.text
}

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
	display.PNGAlt(f.png, f.text)
}
