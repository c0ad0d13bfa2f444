// Package plot draws the figures cells and training runs show: learning curves
// (Curves) and rows of image panels (Images: input / target / prediction, middle
// Z slice for 3D, percentile-scaled), rendered with gonum/plot to PNG. A Figure
// shows itself in the notebook (Show) or hands out its PNG bytes.
//
// Cells see it as `import "plot"`.
//
// Layering: plot imports gonum/plot and stdlib/display only.
package plot
