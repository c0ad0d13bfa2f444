"""Stresses the im2im kernel as a user would, with Debian's jupyter_client, and
prints the kernel's resident memory: four cells of 100 MiB temporaries, 10,000
small cells that declare the same variables again, then cells that used to end
the kernel (runaway recursion, a panicking goroutine). Exits non-zero with a
message naming the first failed check. Run by memory_test.go (build tag slow).
"""
import sys
import time

from jupyter_client.manager import start_new_kernel

CELLS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000


MEASURE = len(sys.argv) > 2 and sys.argv[2] == "measure"  # print only: for kernels that fail (or hang on crashes)


def fail(what):
    print("FAIL:", what, flush=True)
    if not MEASURE:
        sys.exit(1)


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1


def run(kc, code, timeout=120):
    """Executes code and returns the reply content."""
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: None)
    return reply["content"]


km, kc = start_new_kernel(kernel_name="im2im")
try:
    # The process Jupyter started is a supervisor; the cells run in its child.
    got = []
    kc.execute_interactive('import "os"\nos.Getpid()', timeout=60,
                           output_hook=lambda m: got.append(m) if m["msg_type"] == "execute_result" else None)
    pid = int(got[0]["content"]["data"]["text/plain"])
    run(kc, "1+1")
    print("start: %.0f MiB" % rss_mib(pid), flush=True)
    big = []  # RSS after each big cell
    for i in range(4):
        c = run(kc, "len(bytes.Repeat([]byte{1}, 100<<20))")
        if c["status"] != "ok":
            fail("100 MiB cell: %s" % c)
        big.append(rss_mib(pid))
    print("4 x 100 MiB temporaries, RSS after each: " + " ".join("%.0f" % r for r in big) + " MiB", flush=True)
    if big[3] > big[1] + 150:
        fail("temporaries are not released: RSS %s" % big)
    for i in range(8):
        run(kc, "x := bytes.Repeat([]byte{1}, 100<<20)")
        big.append(rss_mib(pid))
    print("8 x 100 MiB variable declared again, RSS after each: " + " ".join("%.0f" % r for r in big[4:]) + " MiB", flush=True)
    if big[11] > big[7] + 150:
        fail("variables declared again are not released: RSS %s" % big[4:])
    run(kc, "x := 0")
    curve = []
    t0 = time.time()
    for i in range(1, CELLS + 1):
        c = run(kc, "y := %d\nz := y * 2\nfmt.Sprint(z)" % i)
        if c["status"] != "ok":
            fail("small cell %d: %s" % (i, c))
        if i % (CELLS // 10) == 0:
            curve.append((i, rss_mib(pid)))
    print("%d small cells in %.0f s, RSS: " % (CELLS, time.time() - t0) +
          " ".join("%d:%.0f" % p for p in curve) + " MiB", flush=True)
    half = curve[len(curve) // 2]
    per_cell = (curve[-1][1] - half[1]) * 1024 / (curve[-1][0] - half[0])
    print("growth over the second half: %.2f KiB per cell" % per_cell, flush=True)
    if per_cell > 4:
        fail("memory grows %.2f KiB per cell" % per_cell)
    if MEASURE:
        sys.exit(0)

    c = run(kc, "func rec(n int) int { return rec(n+1) + 1 }\nrec(0)")
    print("recursion: %s %s" % (c.get("ename"), c.get("evalue")), flush=True)
    if c["status"] != "error" or c["ename"] != "StackOverflow":
        fail("runaway recursion: %s" % c)
    c = run(kc, "go func() { panic(\"boom\") }()\ntime.Sleep(100 * time.Millisecond)")
    print("goroutine panic: %s %s" % (c.get("ename"), c.get("evalue")), flush=True)
    if c["status"] != "error" or "boom" not in c.get("evalue", ""):
        fail("goroutine panic: %s" % c)
    c = run(kc, "1+1")
    if c["status"] != "ok" or not km.is_alive():
        fail("kernel after the crashes: %s" % c)
    print("kernel alive: %.0f MiB" % rss_mib(pid), flush=True)
    print("ALL OK", flush=True)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
