// Package kernel holds the Jupyter side of im2im: the wire protocol (ZeroMQ sockets,
// HMAC-signed messages, Jupyter messaging 5.3), the request dispatcher, display
// messages, the kernelspec installer and, in kernel/notebook, the headless notebook
// runner (nbformat 4).
//
//	info, _ := kernel.ReadConnectionFile(path)   // validated connection file
//	kernel.ServeGonbPipe(logger)                 // gonbui displays from compiled code
//	k, _ := kernel.New(info, logger)             // binds the five sockets, one dsl.Session
//	k.Supervised(rep, crash)                     // report to a supervisor; answer a crash
//	k.Run(ctx)                                   // serves until shutdown_request
//	kernel.Supervise(exe, args, logger)          // the supervisor: kernel in a child
//	kernel.Install(kernelsDir, exe)              // kernelspec "im2im" with drawn logos
//
// Files: conn.go (connection file), wire.go (frames, HMAC), kernel.go (sockets,
// loops), dispatch.go (request types), execute.go (execute_request and the iopub
// sink), abort.go (stop_on_error), introspect.go (complete, inspect), install.go
// (kernelspec, logo), gonbpipe.go (GONB_PIPE server), log.go, supervisor.go (the
// process Jupyter watches: runs the kernel in a child, starts a new one when it
// crashes), recover.go (a new child answers the dead request), peers.go (shell
// peers seen, for that answer). kernel/supervise holds the child-process plumbing
// (events, crash report, cause) that `im2im run` uses too.
//
// Layering: kernel may import dsl, stdlib, ml and data, never main. It is the only
// package that knows about Jupyter; the interpreter it drives lives in dsl.
package kernel
