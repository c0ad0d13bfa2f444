//go:build !cgo

package cgocheck

// This file is compiled only without cgo: the undefined name is the message.
var _ = im2im_needs_cgo_and_a_C_compiler__install_gcc_eg_apt_get_install_gcc__then_build_with_CGO_ENABLED_1
