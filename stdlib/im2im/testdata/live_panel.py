"""Trains a tiny model in the im2im kernel through Debian's jupyter_client and
checks the live panel: one display_data, then update_display_data messages with
the same display id arriving while the cell runs, the last one holding the
progress bar, the curves and an image panel. Prints "ALL OK" at the end.

Run by cmd_train_jupyter_test.go with JUPYTER_PATH pointing at a temporary
kernelspec and IM2IM_DATA / IM2IM_RUNS naming folders.
"""
import json
import os
import sys
import time

from jupyter_client.manager import start_new_kernel


def check(cond, what, detail=""):
    if not cond:
        print("FAIL:", what, "--", detail, flush=True)
        sys.exit(1)
    print("ok:", what, flush=True)


# OnProgress sleeps 20 ms a step, so the run (288 steps) outlasts the 2 s redraw interval
# several times on any machine: without it, a fast CPU backend finished in about 2 s and
# the panel was sometimes never updated during the run.
CELL = """
import "time"

data := im2im.Data{Path: %s, Patch: im2im.Patch{Size: []int{32, 32}, PerImage: 16}, ValRatio: 0.25,
    Augment: []im2im.Transform{im2im.RandFlip(0.5)}}
model := im2im.FCN{Net: im2im.UNet{Features: []int{8, 16}, OutChannels: 2}}
run, err := im2im.Train(data, model, im2im.Trainer{Epochs: 12, BatchSize: 2, Root: %s, Name: "live", Backend: "im2im-fast",
    OnProgress: func(p im2im.Progress) { time.Sleep(20 * time.Millisecond) }})
if err != nil {
    panic(err)
}
run.String()
""" % (json.dumps(os.environ["IM2IM_DATA"]), json.dumps(os.environ["IM2IM_RUNS"]))

km, kc = start_new_kernel(kernel_name="im2im")
try:
    start = time.time()
    msg_id = kc.execute(CELL)
    events = []  # (seconds since start, msg_type, content)
    while True:
        msg = kc.get_iopub_msg(timeout=300)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        events.append((time.time() - start, msg["msg_type"], msg["content"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=30)["content"]
    check(reply["status"] == "ok", "cell ran", reply)
    panel = [(t, ty, c) for t, ty, c in events if ty in ("display_data", "update_display_data")]
    check(len(panel) >= 3, "panel shown, updated during the run and at the end", [(t, ty) for t, ty, _ in panel])
    check(panel[0][1] == "display_data" and all(ty == "update_display_data" for _, ty, _ in panel[1:]),
          "one display_data, then updates", [ty for _, ty, _ in panel])
    ids = {c["transient"]["display_id"] for _, _, c in panel}
    check(len(ids) == 1, "one display id", ids)
    last = panel[-1][2]["data"]["text/html"]
    for want in ("<progress", "<div>done</div>", "data:image/png;base64,", "validation image after epoch 12"):
        check(want in last, "final panel has " + want)
    mid = panel[1][2]["data"]["text/html"]
    check("<div>done</div>" not in mid and "<progress" in mid, "an update before the end shows progress, not done")
    result = [c for _, ty, c in events if ty == "execute_result"]
    check(result and "12 epochs" in result[0]["data"]["text/plain"], "run result", result)
    # Redrawn at most every 2 s while training (the final update may follow sooner).
    # Each gap is timed where the client receives it, so drawing time and a busy
    # machine shift single gaps by a fraction of a second; unthrottled updates
    # would come every step (well under 1 s).
    gaps = [b[0] - a[0] for a, b in zip(panel[:-2], panel[1:-1])]
    check(gaps and all(g >= 1.5 for g in gaps) and sum(gaps) / len(gaps) >= 1.9, "updates at most every 2 s", gaps)
    span = panel[-1][0] - panel[0][0]
    print("panel messages: %d over %.2f s" % (len(panel), span), flush=True)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print("ALL OK", flush=True)
