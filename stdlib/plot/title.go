package plot

import (
	"image/color"
	"strings"

	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg/draw"
)

// titleLineH is the height in pixels a title's second line adds to the title band.
const titleLineH = 14

// panelTitle returns the style and lines of a panel's title drawn over w
// pixels: one line at 12 pt when it fits, else at 10 pt, else two lines of
// 10 pt split at a space (the second shortened with "…" if it is still too long).
func panelTitle(s string, w int) (text.Style, []string) {
	sty := textStyle(12, color.Black)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	if px(sty.Width(s)) <= w {
		return sty, []string{s}
	}
	sty.Font.Size = 10
	if px(sty.Width(s)) <= w {
		return sty, []string{s}
	}
	words := strings.Fields(s)
	for i := len(words) - 1; i > 0; i-- {
		if first := strings.Join(words[:i], " "); px(sty.Width(first)) <= w {
			return sty, []string{first, fitText(sty, strings.Join(words[i:], " "), w)}
		}
	}
	return sty, []string{fitText(sty, s, w)}
}
