"""Crashes the im2im kernel's process in the ways Go cannot recover from — one
allocation larger than memory, SIGKILL (what the system's out-of-memory killer
sends), compiled code calling os.Exit, in a cell and between cells — and checks,
with Debian's jupyter_client, that each cell gets an error reply naming the cause,
that the kernel Jupyter watches (the supervisor) stays alive, and that the next
cell runs. Prints the restart times (crash → error reply, and → next cell's
reply). Exits non-zero naming the first failed check. Run by e2e_test.go.
"""
import statistics
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


def run(kc, code, timeout=60):
    """Executes code; returns (reply content, iopub messages of the request)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    if reply["parent_header"].get("msg_id") != msg_id:
        fail("reply parent", reply)
    return reply["content"], collect(kc, msg_id, timeout)


def collect(kc, msg_id, timeout=60):
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


CRASHES = [
    ("allocation larger than memory", "x := make([]byte, 1<<40)\nlen(x)", "out of memory"),
    ("SIGKILL", 'import (\n\t"os"\n\t"os/exec"\n\t"strconv"\n)\nexec.Command("kill", "-9", strconv.Itoa(os.Getpid())).Run()', "killed by signal 9"),
    # Compiled code that exits (flag.ExitOnError exits with status 2 after a bad flag).
    ("compiled os.Exit", 'import "flag"\nflag.NewFlagSet("cell", flag.ExitOnError).Parse([]string{"-nope"})', "exit status 2"),
]
EXIT_CALL = 'flag.NewFlagSet("cell", flag.ExitOnError).Parse([]string{"-nope"})'


def main():
    km, kc = start_new_kernel(kernel_name="im2im", startup_timeout=60)
    pid = km.provisioner.pid
    to_error, to_next = [], []
    try:
        for name, code, cause in CRASHES:
            run(kc, "before := 41")
            t0 = time.perf_counter()
            reply, out = run(kc, code)
            t1 = time.perf_counter()
            err = of_type(out, "error")
            check(reply["status"] == "error" and reply["ename"] == "KernelCrashed" and cause in reply["evalue"]
                  and err and err[0]["evalue"] == reply["evalue"] and "restarted" in " ".join(reply["traceback"]),
                  name + ": error reply names the cause", (reply, out))
            reply, out = run(kc, "1+1")
            t2 = time.perf_counter()
            check(reply["status"] == "ok" and result_text(out) == "2", name + ": next cell runs", (reply, out))
            reply, out = run(kc, "before")
            check(reply["status"] == "error", name + ": variables of earlier cells are gone", reply)
            check(km.is_alive() and km.provisioner.pid == pid, name + ": the process Jupyter watches lives", pid)
            to_error.append(1000 * (t1 - t0))
            to_next.append(1000 * (t2 - t0))

        # os.Exit written in a cell is a cell error (the interpreter's os.Exit panics): no restart.
        run(kc, "before := 41")
        reply, out = run(kc, 'import "os"\nos.Exit(3)')
        check(reply["status"] == "error" and "os.Exit(3)" in reply["evalue"], "os.Exit in a cell is a cell error", reply)
        reply, out = run(kc, "before")
        check(result_text(out) == "41", "os.Exit in a cell: variables kept", out)

        # A request queued behind the crash is aborted. (The crash comes 0.3 s
        # later: a request that reaches the process in its last milliseconds is
        # lost with it, ZeroMQ has no acknowledgements.)
        id1 = kc.execute('import (\n\t"flag"\n\t"time"\n)\ntime.Sleep(300 * time.Millisecond)\n' + EXIT_CALL)
        id2 = kc.execute("queued := 1")
        r1, r2 = kc.get_shell_msg(timeout=60), kc.get_shell_msg(timeout=60)
        collect(kc, id1)
        collect(kc, id2)
        check(r1["parent_header"]["msg_id"] == id1 and r1["content"]["status"] == "error"
              and "exit status 2" in r1["content"]["evalue"] and r2["parent_header"]["msg_id"] == id2
              and r2["content"]["status"] == "aborted", "queued request aborted after a crash", (r1, r2))

        # A crash between cells is told at the top of the next cell, which runs.
        reply, _ = run(kc, 'import (\n\t"flag"\n\t"time"\n)\ntime.AfterFunc(200*time.Millisecond, func() { ' + EXIT_CALL + ' })')
        last_count = reply["execution_count"]
        time.sleep(3)
        # As front-ends do, the client listens on iopub while it waits (a ZeroMQ
        # SUB resubscribes when polled): execute_interactive.
        out = []
        reply = kc.execute_interactive("2+2", timeout=60, output_hook=out.append)["content"]
        stderr = "".join(c["text"] for c in of_type(out, "stream") if c["name"] == "stderr")
        check(reply["status"] == "ok" and result_text(out) == "4" and "exit status 2" in stderr
              and "between cells" in stderr, "crash between cells told in the next cell", out)
        check(reply["execution_count"] == last_count + 1, "execution counts go on after a crash", (last_count, reply))
        check(km.is_alive() and km.provisioner.pid == pid, "supervisor alive after all crashes", pid)
    finally:
        kc.shutdown()
        try:
            kc.get_control_msg(timeout=10)
        except Exception:
            pass
        deadline = time.time() + 10
        while km.is_alive() and time.time() < deadline:
            time.sleep(0.1)
        alive = km.is_alive()
        kc.stop_channels()
        if alive:
            km.shutdown_kernel(now=True)
    check(not alive, "shutdown ends the supervisor")
    print("RESULT crashes=%d to_error_reply_ms=%s to_next_reply_ms=%s median_to_next_ms=%.0f" % (
        len(to_next), " ".join("%.0f" % t for t in to_error), " ".join("%.0f" % t for t in to_next),
        statistics.median(to_next)), flush=True)
    print("ALL OK")


if __name__ == "__main__":
    main()
