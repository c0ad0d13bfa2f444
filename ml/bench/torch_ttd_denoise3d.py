"""Time to quality, 3D denoising: the PyTorch side of `im2im bench ttd3d`.

usage: python3 torch_ttd_denoise3d.py DIR PATCH PER_IMAGE BATCH LR MAX_TRAIN_S OUT_JSON SEED STOP TARGETS [THREADS]

DIR holds train_im.npy, train_gt.npy, val_im.npy, val_gt.npy ([N, Z, Y, X] float32: noisy input, clean target), the
volumes im2im trains on as OME-TIFF. PATCH is "z,y,x"; TARGETS is "key:psnr,..." (e.g. "+4dB:27.3,+7dB:30.3").
The task of notebooks/denoise_3d.ipynb as im2im trains it:
- net: U-Net 16-32-64 (nets.UNet with norm none, PReLU, down by stride-2 convolution): per level two conv3x3x3 (bias)
  + PReLU (one slope, 0.25), the first of levels 1 and 2 with stride 2; up by ConvTranspose k2 s2; skip concatenation
  [up, skip]; 1x1x1 head to one channel;
- loss MSE (mean), AdamW (LR, betas 0.9/0.999, eps 1e-8, weight decay 1e-2), no normalisation;
- epoch: the training volumes in a shuffled order, PER_IMAGE uniform random patches from each in turn, each flipped
  along Z, Y and X with p 0.5 each, then rotated by k*90 degrees in the Y-X plane (k uniform in 1..3) with p 0.5;
  batches of BATCH consecutive patches (a last partial batch dropped);
- validation after every epoch on the whole validation volumes: PSNR 10*log10(R^2/MSE) per volume with R the clean
  volume's max - min, averaged.
Training seconds exclude validation; wall seconds include it and start after an excluded warm-up step. Stops when
every target is reached (STOP=1) or the training budget is spent. INIT=he draws conv weights as im2im does
(uniform +-sqrt(6/fan_in), zero bias) instead of PyTorch's defaults.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DIR, PATCH, PER_IMAGE, BATCH = sys.argv[1], [int(v) for v in sys.argv[2].split(",")], int(sys.argv[3]), int(sys.argv[4])
LR, MAX_T, OUTJ, SEED = float(sys.argv[5]), float(sys.argv[6]), sys.argv[7], int(sys.argv[8])
STOP = sys.argv[9] != "0"
TARGETS = [(k, float(v)) for k, v in (kv.rsplit(":", 1) for kv in sys.argv[10].split(","))]
torch.set_num_threads(int(sys.argv[11]) if len(sys.argv) > 11 else 2)
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)

Xtr, Ytr = np.load(os.path.join(DIR, "train_im.npy")), np.load(os.path.join(DIR, "train_gt.npy"))
Xva, Yva = np.load(os.path.join(DIR, "val_im.npy")), np.load(os.path.join(DIR, "val_gt.npy"))
xva_t, yva_t = torch.from_numpy(Xva[:, None].copy()), torch.from_numpy(Yva[:, None].copy())
STEPS_PER_EPOCH = len(Xtr) * PER_IMAGE // BATCH


def augment(x, y):
    for ax in range(3):
        if rng.random() < 0.5:
            x, y = np.flip(x, ax), np.flip(y, ax)
    if rng.random() < 0.5:
        k = int(rng.integers(1, 4))
        x, y = np.rot90(x, k, axes=(1, 2)), np.rot90(y, k, axes=(1, 2))
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def epoch_batches():
    xs, ys = [], []
    for i in rng.permutation(len(Xtr)):
        for _ in range(PER_IMAGE):
            s = [int(rng.integers(0, n - p + 1)) for n, p in zip(Xtr.shape[1:], PATCH)]
            sl = tuple(slice(a, a + p) for a, p in zip(s, PATCH))
            x, y = augment(Xtr[i][sl], Ytr[i][sl])
            xs.append(x); ys.append(y)
    for b in range(len(xs) // BATCH):
        yield (torch.from_numpy(np.stack(xs[b * BATCH:(b + 1) * BATCH])[:, None]),
               torch.from_numpy(np.stack(ys[b * BATCH:(b + 1) * BATCH])[:, None]))


def block(i, o, stride=1):
    return nn.Sequential(nn.Conv3d(i, o, 3, stride=stride, padding=1), nn.PReLU(),
                         nn.Conv3d(o, o, 3, padding=1), nn.PReLU())


class UNet3D(nn.Module):
    def __init__(self, f=(16, 32, 64), out=1):
        super().__init__()
        self.e0, self.e1, self.e2 = block(1, f[0]), block(f[0], f[1], 2), block(f[1], f[2], 2)
        self.u1, self.d1 = nn.ConvTranspose3d(f[2], f[1], 2, stride=2), block(2 * f[1], f[1])
        self.u0, self.d0 = nn.ConvTranspose3d(f[1], f[0], 2, stride=2), block(2 * f[0], f[0])
        self.head = nn.Conv3d(f[0], out, 1)

    def forward(self, x):
        e0 = self.e0(x); e1 = self.e1(e0); e2 = self.e2(e1)
        d1 = self.d1(torch.cat([self.u1(e2), e1], 1))
        return self.head(self.d0(torch.cat([self.u0(d1), e0], 1)))


def he_init(model):
    for m in model.modules():
        if isinstance(m, nn.Conv3d):
            b = (6.0 / (m.in_channels * np.prod(m.kernel_size))) ** 0.5
        elif isinstance(m, nn.ConvTranspose3d):
            b = (6.0 / m.in_channels) ** 0.5
        else:
            continue
        nn.init.uniform_(m.weight, -b, b); nn.init.zeros_(m.bias)


def psnr(pred, target):
    mse = ((pred - target) ** 2).mean((1, 2, 3, 4)).clamp(min=1e-20)
    r = target.amax((1, 2, 3, 4)) - target.amin((1, 2, 3, 4))
    return (10 * torch.log10(r * r / mse)).mean().item()


@torch.no_grad()
def val_psnr(model):
    model.eval()
    p = psnr(model(xva_t), yva_t)
    model.train()
    return p


model = UNet3D()
if os.environ.get("INIT") == "he":
    he_init(model)
params = sum(p.numel() for p in model.parameters())
print(f"patch {PATCH} batch {BATCH} params {params} steps/epoch {STEPS_PER_EPOCH} noisy val psnr {psnr(xva_t, yva_t):.4f}", flush=True)


def adamw():
    return torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)


# one warm-up step (excluded), then the model and the optimizer are reset
state = {k: v.clone() for k, v in model.state_dict().items()}
opt = adamw()
xb, yb = next(epoch_batches()); F.mse_loss(model(xb), yb).backward(); opt.step(); opt.zero_grad()
model.load_state_dict(state)
opt = adamw()
rng = np.random.default_rng(SEED)

step_times, log, reached = [], [], {}
train_t, best, step = 0.0, None, 0
wall0 = time.perf_counter()
done = False
while not done and train_t < MAX_T:
    t0 = time.perf_counter()
    for xb, yb in epoch_batches():  # the epoch's patches are made before its first step, in training time
        loss = F.mse_loss(model(xb), yb)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        dt = time.perf_counter() - t0
        step_times.append(dt); train_t += dt; step += 1
        t0 = time.perf_counter()
        if train_t >= MAX_T:
            break
    if train_t >= MAX_T and step % STEPS_PER_EPOCH != 0:
        break  # budget spent inside an epoch: no validation
    te = time.perf_counter(); vp = val_psnr(model); et = time.perf_counter() - te
    wall = time.perf_counter() - wall0
    best = vp if best is None else max(best, vp)
    log.append(dict(step=step, train_s=round(train_t, 2), wall_s=round(wall, 2), loss=round(loss.item(), 6),
                    val_psnr=round(vp, 4), eval_s=round(et, 3)))
    for k, v in TARGETS:
        if vp >= v and k not in reached:
            reached[k] = dict(step=step, train_s=round(train_t, 1), wall_s=round(wall, 1))
    print(log[-1], flush=True)
    done = STOP and len(reached) == len(TARGETS)

res = dict(patch=PATCH, batch=BATCH, seed=SEED, eval_every=STEPS_PER_EPOCH, stop=STOP, steps=step, params=params,
           train_s=round(train_t, 1), wall_s=round(time.perf_counter() - wall0, 1),
           median_step_s=float(np.median(step_times)), mean_step_s=float(np.mean(step_times)),
           reached=reached, best_val_psnr=best, median_eval_s=float(np.median([l["eval_s"] for l in log])) if log else None,
           torch=torch.__version__, threads=torch.get_num_threads(), init=os.environ.get("INIT", "torch"), log=log)
json.dump(res, open(OUTJ, "w"), indent=1)
print(json.dumps({k: v for k, v in res.items() if k != "log"}), flush=True)
