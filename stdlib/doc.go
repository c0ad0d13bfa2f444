// Package stdlib groups what notebook cells import: the im2im package (data, model
// and trainer configuration, Train, Predict, Evaluate, presets), display and plot.
// Its API is non-generic and stays inside what yaegi interprets.
//
// Layering: stdlib may import ml and data; it never imports dsl or kernel.
package stdlib
