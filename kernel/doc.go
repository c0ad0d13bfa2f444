// Package kernel holds the Jupyter side of im2im: the wire protocol (ZeroMQ sockets,
// HMAC-signed messages, Jupyter messaging 5.3), the request dispatcher, display
// messages, the kernelspec installer and the headless notebook runner (nbformat 4).
//
// Layering: kernel may import dsl, stdlib, ml and data, never main. It is the only
// package that knows about Jupyter; the interpreter it drives lives in dsl.
package kernel
