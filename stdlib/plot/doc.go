// Package plot draws the figures cells and training runs show: learning curves
// (Charts: one unit per chart, legends beside the plot area, nice ticks) and
// rows of image panels (Images: input / target / prediction at their true,
// physical aspect with a scale bar; intensities percentile-scaled, alone or on
// a range shared by a Group, with a colour bar; label images in categorical
// colours; a prediction's outline and errors over an image; 3D as the middle
// slice, a maximum projection or orthogonal views), rendered to PNG with
// gonum/plot. A Figure shows itself in the notebook (Show, with a one-line
// text form) or hands out its PNG bytes.
//
// Cells see it as `import "plot"`.
//
// Layering: plot imports gonum/plot and stdlib/display only.
package plot
