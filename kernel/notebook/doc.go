// Package notebook reads, executes and writes Jupyter notebooks (nbformat 4, any
// 4.x minor) without Jupyter: it is the engine of `im2im run`.
//
// Parse/Read load a notebook and reject bad input with one error naming the file,
// cell and key; Marshal/WriteFile write it back the way Jupyter does (sorted keys,
// one-space indent, multi-line text split into lines), keeping every field it does
// not own byte-for-byte equal in meaning. Run executes the code cells in order in one
// dsl.Session — the executor the Jupyter kernel uses — and records their outputs as
// the kernel's messages would be stored by a Jupyter client: consecutive stream text
// merged (carriage returns and backspaces applied), display_data with all MIME types
// and metadata (updates of a display id rewrite the earlier outputs), execute_result
// with its execution_count, errors with a traceback pointing at the cell line. The
// notebook is saved after every cell, so a crash leaves a partial result.
//
// Parameters follow papermill's conventions: the first cell tagged "parameters"
// holds defaults (Go declarations: `epochs := 3`, `var lr float32 = 1e-3`); the
// values given (ParseArg for name=value, ParseYAML for a params file) are checked
// against them, converted to Go literals typed like the defaults, and written as
// assignments into a new cell tagged "injected-parameters" placed right after it
// (see Inject).
//
// Layering: notebook imports dsl and stdlib/display (and yaml.v3); it never imports
// the kernel package or main, so the CLI and tests drive it directly.
package notebook
