"""Benchmark (not a test): median round trip of the trivial cell `1+1` over N
executes through jupyter_client, from execute_request sent to execute_reply and
idle status received. Usage: JUPYTER_PATH=... /usr/bin/python3 bench.py [N]"""
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
km, kc = start_new_kernel(kernel_name="im2im", startup_timeout=60)
try:
    times = []
    for i in range(n + 10):
        t0 = time.perf_counter()
        msg_id = kc.execute("1+1")
        reply = kc.get_shell_msg(timeout=10)
        assert reply["content"]["status"] == "ok", reply
        while True:
            m = kc.get_iopub_msg(timeout=10)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" \
                    and m["content"]["execution_state"] == "idle":
                break
        if i >= 10:  # warm-up
            times.append(time.perf_counter() - t0)
    times.sort()
    print("RESULT executes=%d median_ms=%.2f p10_ms=%.2f p90_ms=%.2f" % (
        n, 1000 * statistics.median(times), 1000 * times[n // 10], 1000 * times[9 * n // 10]))
finally:
    kc.shutdown()
    kc.stop_channels()
    km.shutdown_kernel(now=False)
