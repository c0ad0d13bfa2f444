"""Runs the reference U-Net step (torch_unet.py, same arguments, same RESULT line) on the GPU.

Used by .ci/gpu through `im2im bench unet --torch .ci/gpu_torch.py`. Modules and tensors are created
on CUDA, and every clock read waits for the GPU first, so a step's time covers its kernels.
torch_unet.py is looked up in $TORCH_UNET, ../.gpu/ (carried by .ci/gpu prepare) and
../../shared/bench/ relative to this file.
"""
import os
import runpy
import sys
import time

import torch

if not torch.cuda.is_available():
    sys.exit("gpu_torch: PyTorch sees no CUDA device")
here = os.path.dirname(os.path.abspath(__file__))
candidates = [os.environ.get("TORCH_UNET", ""),
              os.path.join(here, "..", ".gpu", "torch_unet.py"),
              os.path.join(here, "..", "..", "shared", "bench", "torch_unet.py")]
script = next((p for p in candidates if p and os.path.isfile(p)), None)
if script is None:
    sys.exit("gpu_torch: torch_unet.py not found (tried %s)" % ", ".join(p for p in candidates if p))

torch.set_default_device("cuda")
torch.backends.cudnn.benchmark = True  # autotuned convolutions, as XLA autotunes its own
_clock = time.perf_counter


def synced_clock():
    torch.cuda.synchronize()
    return _clock()


time.perf_counter = synced_clock
print("gpu_torch: %s on %s, cudnn.benchmark=True, cudnn.allow_tf32=%s, clocks synchronised"
      % (torch.__version__, torch.cuda.get_device_name(), torch.backends.cudnn.allow_tf32), flush=True)
sys.argv = [script] + sys.argv[1:]
runpy.run_path(script, run_name="__main__")
