// Package supervise runs a command in a child process that tells its parent what
// it is doing, so that a crash Go cannot recover from — one allocation larger than
// memory, the system's out-of-memory killer, a fatal error in compiled code,
// os.Exit from a cell — ends the child, not the user's session. The parent (the
// im2im kernel's or `im2im run`'s supervisor) then answers for the child: it
// names the cause and, for the kernel, starts a new child.
//
// Parent side:
//
//	c, _ := supervise.Start(exe, args, env, os.Stderr) // child with an event pipe (fd 3) and a crash pipe (fd 4)
//	for ev := range c.Events() { ... }       // JSON lines the child sends
//	exit := c.Wait()                          // how it ended; exit.Crashed() unless it said "exit"
//	cause := exit.Cause()                     // "out of memory", "killed by signal 9 (...)", "exit status 3"
//
// Child side (main, first thing):
//
//	rep := supervise.FromEnv() // nil when not supervised
//	rep.Send(supervise.Event{Kind: supervise.KindCell, Cell: 3, Count: 2})
//	rep.Exit(code)             // the child ends on purpose
//
// The parent is never on the path of the child's messages or output: the child
// inherits stdin, stdout and stderr, and writes its events and, through
// debug.SetCrashOutput, its crash report on two pipes of their own.
//
// Layering: supervise imports only the standard library.
package supervise
