// Package display shows rich output in a notebook: PNG, SVG and other images, HTML,
// Markdown and plain text (Show takes any mix of images, figures and values), either
// once (display_data) or through an updatable Handle
// (display_data the first time, update_display_data afterwards), and hands long
// compiled calls the running cell's context (Context) so an interrupt stops them.
//
// Cells see it as `import "display"` (pre-imported in every session). The
// interpreter (package dsl) installs a publisher for each cell with Attach; outside
// a cell, displays are written as a one-line text summary to standard output, so
// programs and tests that call display functions keep working.
//
// Layering: display imports only the Go standard library; it never imports dsl or
// kernel.
package display
