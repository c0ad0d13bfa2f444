// Package cgocheck makes a build without cgo fail with an error that names
// the fix. im2im needs cgo (go-xla, DataDog/zstd and Pebble have C parts),
// and Go turns cgo off by itself when no C compiler is found; the build then
// failed deep in go-xla with "undefined: loadedPlugins". This package has no
// dependencies, so it is compiled first, and without cgo its nocgo.go refers
// to an undefined name that reads as the instruction:
//
//	undefined: im2im_needs_cgo_and_a_C_compiler__install_gcc_eg_apt_get_install_gcc__then_build_with_CGO_ENABLED_1
//
// The command (package main) imports it for that effect only.
//
// Layering: cgocheck imports nothing.
package cgocheck
