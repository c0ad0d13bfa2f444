// Package notebooks holds the im2im tutorials: Jupyter notebooks (nbformat 4,
// kernelspec "im2im") that generate their own synthetic data with `im2im data
// synth`, train and evaluate a model through the cell DSL (package im2im of
// stdlib) and end with a cell that panics when the quality number is below a
// threshold, so a headless run (`im2im run`) fails when learning breaks.
//
// The package has no Go API. Its tests check that every tutorial is committed
// clean (no outputs) with a parameters cell and a final check cell, and run
// each one top to bottom through the im2im command with tiny parameters.
//
// Layering: the tests build and execute the im2im command and read notebooks
// with kernel/notebook; nothing imports this package.
package notebooks
