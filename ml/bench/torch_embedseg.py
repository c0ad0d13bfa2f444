"""One EmbedSeg training step in PyTorch CPU, the network and loss of im2im's
nets.BranchedERFNet and loss.SpatialEmbedding as `im2im bench embedseg` trains them
(ml/bench/embedseg.go), written after mmv_im2im's BranchedERFNet_2d/_3d and
SpatialEmbLoss_2d/_3d (spec: shared/reference/frameworks.md section 3):

net   = BranchedERFNet(num_classes=[2*D, 1], input_channels=1): ERFNet encoder
        (Downsampler 1->16, 16->64, 5 x non_bottleneck_1d(64, 0.03, 1), Downsampler
        64->128, 2 x nb1d(128, 0.3, d) for d in 2, 4, 8, 16), two decoders
        (Upsampler 128->64, 2 x nb1d(64), Upsampler 64->16, 2 x nb1d(16), ConvTranspose
        k2 s2 to n); BN eps 1e-3; init_output: offset/sigma output weights 0, sigma
        bias 1. The encoder's unused 1x1 output_conv of mmv's Encoder is left out
        (it would add 128*5+5 = 645 parameters that no step uses).
loss  = per image: background seed^2; per instance (python loop over ids, as mmv):
        centre from the centre image or the mask mean, variance term, phi with
        exp(10 sigma_mean), Lovasz hinge (true sort) on 2 phi - 1, foreground seed
        term (weight 10); normalised by instance and pixel counts; 1/10/1 weights;
        mean over the batch. Grid step 1/1023 on every axis.
step  = Adam (lr 5e-4) on the loss of one fixed batch of synthetic crops: 15 random
        discs per crop (radius 6..14, later ones on top), ids 1..15, centres at the
        rounded centroid when it lies in the disc's remaining mask.

usage: torch_embedseg.py DIMS BATCH SIZE WARMUP STEPS [THREADS]   (SIZE: comma-separated)
prints one line per step, then `RESULT torch VERSION threads=N dims=D median_step_s=...
min=... max=... n=... params_erfnet=...`.
"""
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

args = sys.argv[1:]
dims = int(args[0]); batch = int(args[1]); size = [int(s) for s in args[2].split(",")]
warm = int(args[3]); steps = int(args[4]); threads = int(args[5]) if len(args) > 5 else 2
torch.set_num_threads(threads)
Conv = nn.Conv2d if dims == 2 else nn.Conv3d
Up = nn.ConvTranspose2d if dims == 2 else nn.ConvTranspose3d
BN = nn.BatchNorm2d if dims == 2 else nn.BatchNorm3d
Pool = nn.MaxPool2d if dims == 2 else nn.MaxPool3d
Drop = nn.Dropout2d if dims == 2 else nn.Dropout3d


class Down(nn.Module):
    def __init__(s, ni, no):
        super().__init__()
        s.conv = Conv(ni, no - ni, 3, stride=2, padding=1, bias=True)
        s.pool = Pool(2, stride=2)
        s.bn = BN(no, eps=1e-3)

    def forward(s, x):
        return F.relu(s.bn(torch.cat([s.conv(x), s.pool(x)], 1)))


class UpB(nn.Module):
    def __init__(s, ni, no):
        super().__init__()
        s.conv = Up(ni, no, 3, stride=2, padding=1, output_padding=1, bias=True)
        s.bn = BN(no, eps=1e-3)

    def forward(s, x):
        return F.relu(s.bn(s.conv(x)))


def axis_conv(c, axis, d):
    k = [1] * dims; p = [0] * dims; dl = [1] * dims
    k[axis], p[axis], dl[axis] = 3, d, d
    return Conv(c, c, tuple(k), stride=1, padding=tuple(p), dilation=tuple(dl), bias=True)


class NB1D(nn.Module):
    """non_bottleneck_1d: per half a 3-tap conv along each axis (ReLU between), BN."""
    def __init__(s, c, p, d):
        super().__init__()
        s.h0 = nn.ModuleList([axis_conv(c, a, 1) for a in range(dims)]); s.bn0 = BN(c, eps=1e-3)
        s.h1 = nn.ModuleList([axis_conv(c, a, d) for a in range(dims)]); s.bn1 = BN(c, eps=1e-3)
        s.drop = Drop(p) if p > 0 else None

    def half(s, convs, bn, x):
        for i, cv in enumerate(convs):
            if i > 0:
                x = F.relu(x)
            x = cv(x)
        return bn(x)

    def forward(s, x):
        h = F.relu(s.half(s.h0, s.bn0, x))
        h = s.half(s.h1, s.bn1, h)
        if s.drop is not None:
            h = s.drop(h)
        return F.relu(h + x)


def decoder(n):
    return nn.Sequential(UpB(128, 64), NB1D(64, 0, 1), NB1D(64, 0, 1), UpB(64, 16), NB1D(16, 0, 1), NB1D(16, 0, 1),
                         Up(16, n, 2, stride=2, padding=0, output_padding=0, bias=True))


class BranchedERFNet(nn.Module):
    def __init__(s, cin):
        super().__init__()
        layers = [Down(cin, 16), Down(16, 64)] + [NB1D(64, 0.03, 1) for _ in range(5)] + [Down(64, 128)]
        for _ in range(2):
            layers += [NB1D(128, 0.3, d) for d in (2, 4, 8, 16)]
        s.encoder = nn.Sequential(*layers)
        s.decoders = nn.ModuleList([decoder(2 * dims), decoder(1)])
        out = s.decoders[0][-1]
        with torch.no_grad():
            out.weight.zero_(); out.bias.zero_(); out.bias[dims:2 * dims].fill_(1)

    def forward(s, x):
        h = s.encoder(x)
        return torch.cat([d(h) for d in s.decoders], 1)


def lovasz_hinge(logits, labels):
    """Binary Lovasz hinge of flat logits vs 0/1 labels, with a true sort."""
    signs = 2.0 * labels - 1.0
    errors = 1.0 - logits * signs
    errors_sorted, perm = torch.sort(errors, dim=0, descending=True)
    gt = labels[perm]
    p = gt.sum()
    inter = p - gt.cumsum(0)
    union = p + (1 - gt).cumsum(0)
    jac = 1.0 - inter / union
    jac[1:] = jac[1:] - jac[:-1]
    return torch.dot(F.relu(errors_sorted), jac)


step = 1.0 / 1023
coord = torch.stack(torch.meshgrid(*[torch.arange(n, dtype=torch.float32) * step for n in size], indexing="ij")[::-1], 0)


def embed_loss(pred, inst, cent, fg_weight=10.0):
    n = 1
    for v in size:
        n *= v
    total = 0
    for b in range(pred.shape[0]):
        emb = torch.tanh(pred[b, :dims]) + coord
        sigma = pred[b, dims:2 * dims]
        seed = torch.sigmoid(pred[b, 2 * dims:2 * dims + 1])
        ib, cb = inst[b, 0], cent[b, 0]
        seed_loss = torch.sum(torch.pow(seed[0][ib == 0], 2))
        inst_loss = 0; var_loss = 0; count = 0
        for k in ib.unique():
            if k == 0:
                continue
            m = ib == k
            cm = m & (cb > 0)
            if cm.sum() == 1:
                c = coord[:, cm].view(dims, 1)
            else:
                c = coord[:, m].view(dims, -1).mean(1).view(dims, 1)
            sig_in = sigma[:, m].view(dims, -1)
            s = sig_in.mean(1).view(dims, 1)
            var_loss = var_loss + torch.mean(torch.pow(sig_in - s.detach(), 2))
            s = torch.exp(s * 10)
            shp = [dims] + [1] * dims
            phi = torch.exp(-torch.sum(torch.pow(emb - c.view(shp), 2) * s.view(shp), 0))
            inst_loss = inst_loss + lovasz_hinge((phi * 2 - 1).reshape(-1), m.reshape(-1).float())
            seed_loss = seed_loss + fg_weight * torch.sum(torch.pow(seed[0][m] - phi[m].detach(), 2))
            count += 1
        if count > 0:
            inst_loss = inst_loss / count; var_loss = var_loss / count
        total = total + inst_loss + 10 * var_loss + seed_loss / n
    return total / pred.shape[0] + 0 * pred.sum()


def discs(rng, b):
    """Random touching discs: ~15 per crop, ids 1..K, centres at the rounded centroid."""
    inst = np.zeros([b, 1] + size, np.float32); cen = np.zeros_like(inst)
    grids = np.meshgrid(*[np.arange(v) for v in size], indexing="ij")
    for i in range(b):
        for k in range(1, 16):
            c = [rng.uniform(8, v - 8) for v in size]; r = rng.uniform(6, 14)
            d2 = sum((g - cc) ** 2 for g, cc in zip(grids, c))
            inst[i, 0][d2 <= r * r] = k
        for k in np.unique(inst[i, 0]):
            if k == 0:
                continue
            idx = np.argwhere(inst[i, 0] == k).mean(0).round().astype(int)
            if inst[i, 0][tuple(idx)] == k:
                cen[i, 0][tuple(idx)] = 1
    return inst, cen


def count(m):
    return sum(p.numel() for p in m.parameters())


torch.manual_seed(0)
net = BranchedERFNet(1)
opt = torch.optim.Adam(net.parameters(), lr=5e-4)
X = torch.randn(batch, 1, *size)
inst, cen = discs(np.random.default_rng(0), batch)
I, C = torch.from_numpy(inst), torch.from_numpy(cen)
print(f"params erfnet={count(net)} instances/crop={[len(np.unique(inst[i])) - 1 for i in range(batch)]}", flush=True)
if steps == 0:
    sys.exit(0)
ts = []
for i in range(warm + steps):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = embed_loss(net(X), I, C)
    loss.backward()
    opt.step()
    el = time.perf_counter() - t0
    if i >= warm:
        ts.append(el)
    print(f"step {i}: {el:.3f}s loss={loss.item():.5f}", flush=True)
print(f"RESULT torch {torch.__version__} threads={torch.get_num_threads()} dims={dims} "
      f"median_step_s={statistics.median(ts):.3f} min={min(ts):.3f} max={max(ts):.3f} n={len(ts)} "
      f"params_erfnet={count(net)}")
print("maxrss_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
