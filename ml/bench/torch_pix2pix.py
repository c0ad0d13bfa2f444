"""One pix2pix training step in PyTorch CPU, the network and step of im2im's
ml/framework.Pix2Pix as `im2im bench pix2pix` builds it (ml/bench/pix2pix.go):

generator  = nets.UNet{Dims, OutChannels: 1, Features: [16, 32, 64, 128]} with its
             defaults: per level two conv blocks (conv k3 p1 without bias, InstanceNorm
             affine, PReLU with one slope starting at 0.25), the first block of levels
             1..3 with stride 2; up-sampling ConvTranspose k2 s2 (bias), skip concat
             [up, skip], two blocks; 1x1 conv head (bias); no output activation.
discriminator = nets.PatchGAN{Dims, NF: 64, NLayers: 3}, original layout: conv k4 p1
             (bias) s2 -> 64 LeakyReLU 0.2; s2 -> 128, s2 -> 256, s1 -> 512 each with
             InstanceNorm affine and LeakyReLU 0.2; conv k4 s1 p1 -> 1 logit map.
             Its input is concat(A, B) on channels.
step       = fake = G(A); G update (Adam 2e-4, betas 0.5/0.999) on
             BCEWithLogits(D(A, fake), 1) + 100 * L1(fake, B), D frozen; then D update
             (same Adam) on 0.5 * (BCE(D(A, B), 1) + BCE(D(A, fake.detach()), 0)).
Convolutions start N(0, 0.02), biases 0 (the papers' and im2im's default init).

usage: torch_pix2pix.py DIMS BATCH SIZE WARMUP STEPS [THREADS]   (SIZE: comma-separated)
prints one line per step, then `RESULT torch VERSION threads=N dims=D median_step_s=...
min=... max=... n=... params_generator=... params_discriminator=...`.
"""
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn

dims = int(sys.argv[1]); batch = int(sys.argv[2]); size = [int(s) for s in sys.argv[3].split(",")]
warm = int(sys.argv[4]); steps = int(sys.argv[5]); threads = int(sys.argv[6]) if len(sys.argv) > 6 else 2
torch.set_num_threads(threads)
Conv = nn.Conv2d if dims == 2 else nn.Conv3d
Up = nn.ConvTranspose2d if dims == 2 else nn.ConvTranspose3d
IN = nn.InstanceNorm2d if dims == 2 else nn.InstanceNorm3d


def block(cin, cout, stride):
    """nn.ConvBlock: conv (no bias before a norm), instance norm, PReLU."""
    return nn.Sequential(Conv(cin, cout, 3, stride=stride, padding=1, bias=False),
                         IN(cout, affine=True), nn.PReLU(1, init=0.25))


class UNet(nn.Module):
    def __init__(s, features=(16, 32, 64, 128), out=1):
        super().__init__()
        f = features
        s.enc = nn.ModuleList([nn.Sequential(block(1 if i == 0 else f[i - 1], f[i], 1 if i == 0 else 2),
                                             block(f[i], f[i], 1)) for i in range(len(f))])
        s.up = nn.ModuleList([Up(f[i + 1], f[i], 2, stride=2) for i in range(len(f) - 1)])
        s.dec = nn.ModuleList([nn.Sequential(block(2 * f[i], f[i], 1), block(f[i], f[i], 1))
                               for i in range(len(f) - 1)])
        s.head = Conv(f[0], out, 1)

    def forward(s, x):
        feats = []
        for e in s.enc:
            x = e(x)
            feats.append(x)
        h = feats[-1]
        for i in range(len(feats) - 2, -1, -1):
            h = s.dec[i](torch.cat([s.up[i](h), feats[i]], 1))
        return s.head(h)


class PatchGAN(nn.Module):
    def __init__(s, cin=2, nf=64, n_layers=3):
        super().__init__()
        layers = [Conv(cin, nf, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
        c = nf
        for n in range(1, n_layers):
            o = nf * min(2 ** n, 8)
            layers += [Conv(c, o, 4, stride=2, padding=1), IN(o, affine=True), nn.LeakyReLU(0.2)]
            c = o
        o = nf * min(2 ** n_layers, 8)
        layers += [Conv(c, o, 4, stride=1, padding=1), IN(o, affine=True), nn.LeakyReLU(0.2)]
        layers += [Conv(o, 1, 4, stride=1, padding=1)]
        s.net = nn.Sequential(*layers)

    def forward(s, x):
        return s.net(x)


def init_normal(m):
    if isinstance(m, (nn.Conv2d, nn.Conv3d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


def count(m):
    return sum(p.numel() for p in m.parameters())


torch.manual_seed(0)
G, D = UNet(), PatchGAN()
G.apply(init_normal); D.apply(init_normal)
optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
bce, l1 = nn.BCEWithLogitsLoss(), nn.L1Loss()
A = torch.randn(batch, 1, *size); B = torch.randn(batch, 1, *size)
print(f"params generator={count(G)} discriminator={count(D)}", flush=True)


def set_requires_grad(m, flag):
    for p in m.parameters():
        p.requires_grad_(flag)


ts = []
for i in range(warm + steps):
    t0 = time.perf_counter()
    fake = G(A)
    # Generator update against D (D's weights get no gradient).
    set_requires_grad(D, False)
    optG.zero_grad()
    pred = D(torch.cat([A, fake], 1))
    lossG = bce(pred, torch.ones_like(pred)) + 100.0 * l1(fake, B)
    lossG.backward()
    optG.step()
    # Discriminator update on the real pair and the detached fake from before G's update.
    set_requires_grad(D, True)
    optD.zero_grad()
    pr = D(torch.cat([A, B], 1))
    pf = D(torch.cat([A, fake.detach()], 1))
    lossD = 0.5 * (bce(pr, torch.ones_like(pr)) + bce(pf, torch.zeros_like(pf)))
    lossD.backward()
    optD.step()
    el = time.perf_counter() - t0
    if i >= warm:
        ts.append(el)
    print(f"step {i}: {el:.3f}s loss_g={lossG.item():.5f} loss_d={lossD.item():.5f}", flush=True)
print(f"RESULT torch {torch.__version__} threads={torch.get_num_threads()} dims={dims} "
      f"median_step_s={statistics.median(ts):.3f} min={min(ts):.3f} max={max(ts):.3f} n={len(ts)} "
      f"params_generator={count(G)} params_discriminator={count(D)}")
print("maxrss_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
