// Package layering enforces the import layering of DESIGN.md ("Layers"):
// imports only go down the list main (with the notebooks' tests, which drive
// the built command), kernel, dsl, stdlib, ml, data. A package may import
// packages of its own layer or below, never above; data imports no GoMLX
// module. Test imports count too.
//
// Check applies the rules to a list of packages and their imports; List reads
// that list from `go list`. The package's test runs both on this module and
// fails naming every offending import at once.
//
// Layering: layering is a tool outside the layers; it imports only the
// standard library and no package imports it.
package layering
