"""Drives the im2im kernel with Debian's jupyter_client, checking each protocol
feature; exits non-zero with a message naming the first failed check.

Run by kernel_test.go with JUPYTER_PATH pointing at a temporary kernelspec.
"""
import os
import signal
import sys
import time

from jupyter_client.manager import start_new_kernel


def fail(what, detail):
    print("FAIL:", what, "--", detail, flush=True)
    sys.exit(1)


def check(cond, what, detail=""):
    if not cond:
        fail(what, detail)
    print("ok:", what, flush=True)


def run(kc, code, timeout=30, allow_stdin=False, reply_timeout=None):
    """Executes code, returns (reply content, list of iopub messages for it)."""
    msg_id = kc.execute(code, allow_stdin=allow_stdin)
    reply = kc.get_shell_msg(timeout=reply_timeout or timeout)
    if reply["parent_header"].get("msg_id") != msg_id:
        fail("reply parent", reply)
    outputs = collect(kc, msg_id, timeout)
    return reply["content"], outputs


def collect(kc, msg_id, timeout=30):
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
    fail("idle status", "no idle for " + msg_id)


def of_type(outputs, t):
    return [m["content"] for m in outputs if m["msg_type"] == t]


def result_text(outputs):
    r = of_type(outputs, "execute_result")
    return r[0]["data"]["text/plain"] if r else None


def stream_text(outputs, name="stdout"):
    return "".join(c["text"] for c in of_type(outputs, "stream") if c["name"] == name)


def main():
    km, kc = start_new_kernel(kernel_name="im2im", startup_timeout=60)
    try:
        kc.kernel_info()
        info = kc.get_shell_msg(timeout=10)["content"]
        li = info["language_info"]
        check(li["name"] == "go" and li["file_extension"] == ".go" and li["pygments_lexer"] == "go"
              and li["codemirror_mode"] == "go" and info["protocol_version"] == "5.3", "kernel_info", info)

        # State across cells; busy/execute_input/idle around the result.
        run(kc, "x := 20")
        reply, out = run(kc, "x * 2")
        types = [m["msg_type"] for m in out]
        check(reply["status"] == "ok" and result_text(out) == "40", "state across cells", out)
        check(types[0] == "status" and "execute_input" in types and types[-1] == "status", "message order", types)
        check(of_type(out, "execute_result")[0]["execution_count"] == reply["execution_count"], "execution_count", reply)
        msg_id = kc.execute("x++", user_expressions={"double": "x * 2", "bad": "nope"})
        reply = kc.get_shell_msg(timeout=10)["content"]
        collect(kc, msg_id)
        ue = reply["user_expressions"]
        check(ue["double"]["data"]["text/plain"] == "42" and ue["bad"]["status"] == "error", "user_expressions", ue)
        run(kc, "x--")

        # Error with cell position.
        reply, out = run(kc, "y := 1\nprintln(y + nope)")
        err = of_type(out, "error")
        check(reply["status"] == "error" and reply["ename"] == "CompileError" and err
              and "undefined: nope" in err[0]["evalue"] and "cell:2:13" in err[0]["traceback"][0],
              "error position", (reply, err))

        # Streams from interpreted and compiled code, in order.
        reply, out = run(kc, 'import (\n\t"fmt"\n\t"os"\n)\nfmt.Println("interp-1")\n'
                             'os.Stdout.WriteString("compiled-2\\n")\nfmt.Println("interp-3")\n'
                             'os.Stderr.WriteString("compiled-err\\n")')
        check(stream_text(out) == "interp-1\ncompiled-2\ninterp-3\n" and stream_text(out, "stderr") == "compiled-err\n",
              "streams from compiled code", (reply, out))
        reply, out = run(kc, "!echo from-shell")
        check(stream_text(out) == "from-shell\n", "shell command output", out)

        # Displays and updatable handles.
        reply, out = run(kc, 'h := display.NewHandle()\nh.Markdown("step 1")\nh.Markdown("step 2")\ndisplay.HTML("<b>x</b>")')
        dd, ud = of_type(out, "display_data"), of_type(out, "update_display_data")
        check(len(dd) == 2 and len(ud) == 1 and dd[0]["transient"]["display_id"] == ud[0]["transient"]["display_id"]
              and ud[0]["data"]["text/markdown"] == "step 2" and dd[1]["data"]["text/html"] == "<b>x</b>",
              "display_data / update_display_data", (dd, ud))

        # Completion and inspection.
        kc.complete("fmt.Prin", 8)
        c = kc.get_shell_msg(timeout=10)["content"]
        check(c["status"] == "ok" and "Println" in c["matches"] and c["cursor_start"] == 4 and c["cursor_end"] == 8,
              "complete", c)
        kc.inspect("display.PNG(b)", 9)
        c = kc.get_shell_msg(timeout=10)["content"]
        check(c["found"] and "func PNG(b []byte) error" in c["data"]["text/plain"], "inspect stdlib symbol", c)
        kc.inspect("x", 1)
        c = kc.get_shell_msg(timeout=10)["content"]
        check(c["found"] and "x int = 20" in c["data"]["text/plain"], "inspect variable", c)
        kc.is_complete("func f() {")
        c = kc.get_shell_msg(timeout=10)["content"]
        check(c["status"] == "incomplete", "is_complete", c)
        kc.comm_info()
        c = kc.get_shell_msg(timeout=10)["content"]
        check(c["status"] == "ok" and c["comms"] == {}, "comm_info", c)
        kc.history(hist_access_type="tail", n=2, output=True, raw=True)
        c = kc.get_shell_msg(timeout=10)["content"]
        check(c["status"] == "ok" and len(c["history"]) == 2 and c["history"][0][2][0] == "!echo from-shell",
              "history tail", c)

        # Late goroutine output reaches the next cell; display.Clear is clear_output.
        run(kc, 'import "time"\ngo func() {\n\ttime.Sleep(100 * time.Millisecond)\n\tfmt.Println("late")\n}()')
        time.sleep(0.4)
        reply, out = run(kc, "1")
        check(stream_text(out) == "late\n", "late goroutine output", out)
        reply, out = run(kc, 'fmt.Println("a")\ndisplay.Clear()\nfmt.Println("b")')
        check([m["msg_type"] for m in out if m["msg_type"] in ("stream", "clear_output")] == ["stream", "clear_output", "stream"]
              and of_type(out, "clear_output")[0]["wait"] is True, "clear_output", out)

        # stdin.
        msg_id = kc.execute('var name string\nfmt.Scanln(&name)\n"hello " + name', allow_stdin=True)
        req = kc.get_stdin_msg(timeout=10)
        check(req["msg_type"] == "input_request", "input_request", req)
        kc.input("ada")
        reply = kc.get_shell_msg(timeout=10)["content"]
        out = collect(kc, msg_id)
        check(reply["status"] == "ok" and result_text(out) == '"hello ada"', "stdin input", (reply, out))

        # Interrupt an infinite interpreted loop; state is kept.
        msg_id = kc.execute("for { x++ }")
        time.sleep(0.5)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=20)["content"]
        collect(kc, msg_id)
        check(reply["status"] == "error" and reply["ename"] == "Interrupted", "interrupt interpreted loop", reply)
        reply, out = run(kc, "x > 20")
        check(result_text(out) == "true", "state after interrupt", out)

        # SIGINT (interrupt_mode "signal") interrupts too.
        msg_id = kc.execute("for { x++ }")
        time.sleep(0.5)
        os.kill(km.provisioner.pid, signal.SIGINT)
        reply = kc.get_shell_msg(timeout=20)["content"]
        collect(kc, msg_id)
        check(reply["status"] == "error" and reply["ename"] == "Interrupted", "SIGINT interrupt", reply)

        # Interrupt a long compiled call that watches the cell context.
        t0 = time.time()
        msg_id = kc.execute('import "os/exec"\nerr := exec.CommandContext(display.Context(), "/bin/sleep", "60").Run()')
        time.sleep(0.5)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=30)["content"]
        collect(kc, msg_id)
        check(reply["status"] == "error" and reply["ename"] == "Interrupted" and time.time() - t0 < 20,
              "interrupt compiled call", reply)
        reply, out = run(kc, "x > 20")
        check(result_text(out) == "true", "state after compiled interrupt", out)

        # Panics (interpreted and compiled) become errors; the kernel lives on.
        reply, out = run(kc, 'panic("boom")')
        check(reply["status"] == "error" and reply["ename"] == "Panic" and reply["evalue"] == "boom"
              and reply["traceback"][0].startswith("cell:1:1: boom"), "interpreted panic", reply)
        reply, out = run(kc, 'import "strings"\n_ = strings.Repeat("x", -1)')
        check(reply["status"] == "error" and reply["ename"] == "Panic", "compiled panic", reply)
        reply, out = run(kc, "1 + 1")
        check(result_text(out) == "2", "alive after panics", out)

        # After a failed cell, execute requests already queued are aborted (stop_on_error),
        # unless the request says otherwise.
        id1 = kc.execute('import "time"\ntime.Sleep(300 * time.Millisecond)\npanic("first")')
        id2 = kc.execute("queued := 1")
        r1, r2 = kc.get_shell_msg(timeout=20), kc.get_shell_msg(timeout=20)
        collect(kc, id1)
        collect(kc, id2)
        check(r1["content"]["status"] == "error" and r2["content"]["status"] == "aborted"
              and r2["parent_header"]["msg_id"] == id2, "queued request aborted after error", (r1, r2))
        check("execution_count" not in r2["content"], "aborted reply carries no execution_count", r2)
        reply, out = run(kc, "queued")
        check(reply["status"] == "error", "aborted cell did not run", reply)
        id1 = kc.execute('panic("second")', stop_on_error=False)
        id2 = kc.execute("queued2 := 2\nqueued2")
        r1, r2 = kc.get_shell_msg(timeout=20), kc.get_shell_msg(timeout=20)
        collect(kc, id1)
        collect(kc, id2)
        check(r1["content"]["status"] == "error" and r2["content"]["status"] == "ok", "stop_on_error=False", (r1, r2))

        # A message with a bad signature is dropped, never executed.
        good = kc.session.key
        kc.session.key = b"not-the-key"
        kc.execute("x = 999")
        try:
            got = kc.get_shell_msg(timeout=2)
            fail("bad signature rejected", got)
        except Exception as e:  # queue.Empty
            if type(e).__name__ != "Empty":
                raise
        kc.session.key = good
        reply, out = run(kc, "x == 999")
        check(result_text(out) == "false", "bad signature rejected", out)

        # Restart: shutdown_request(restart=True), a fresh process, fresh state.
        old_pid = km.provisioner.pid
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=60)
        reply, out = run(kc, "x")
        check(km.provisioner.pid != old_pid and reply["status"] == "error", "restart", reply)
    finally:
        # Shutdown via shutdown_request; the process must exit by itself.
        kc.shutdown()
        try:
            shut = kc.get_control_msg(timeout=10)
        except Exception as e:  # queue.Empty
            shut = {"msg_type": repr(e), "content": {}}
        deadline = time.time() + 10
        while km.is_alive() and time.time() < deadline:
            time.sleep(0.1)
        alive = km.is_alive()
        kc.stop_channels()
        if alive:
            km.shutdown_kernel(now=True)
    check(shut["msg_type"] == "shutdown_reply" and shut["content"].get("status") == "ok", "shutdown_reply", shut)
    check(not alive, "shutdown")
    print("ALL OK")


if __name__ == "__main__":
    main()
