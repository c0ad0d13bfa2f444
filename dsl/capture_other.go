//go:build !linux

package dsl

import "errors"

// captureSupported is false: outside Linux only interpreted fmt/log output (which
// yaegi redirects) reaches the sink; compiled code writes to the real stdout.
const captureSupported = false

type capture struct{}

func startCapture(func(stream, text string)) (*capture, error) {
	return nil, errors.New("output capture needs Linux")
}

func (c *capture) sync() {}
func (c *capture) stop() {}
