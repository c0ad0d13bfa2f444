// Package dsl is the cell interpreter: one yaegi session whose state persists across
// cells, with symbol tables for the stdlib packages, cell splitting, positioned
// errors, magics, completion, inspection and cancellation.
//
// Layering: dsl may import stdlib, ml and data; it knows nothing of Jupyter, so the
// kernel, the headless runner and tests share one executor.
package dsl
