#!/usr/bin/python3
"""tifffile side of data/imageio's read benchmark (run by `go run ./data/imageio/bench`).

    bench_tifffile.py write PATH Z Y X   write a uint16 deflate OME-TIFF (ZYX) of synthetic nuclei + noise
    bench_tifffile.py read PATH REPEAT   time tifffile.imread, print JSON {times_s, sha256, shape}
"""
import hashlib
import json
import sys
import time

import numpy
import tifffile


def write(path, z, y, x):
    rng = numpy.random.default_rng(7)
    img = numpy.full((z, y, x), 100.0, numpy.float32)
    zz, yy, xx = numpy.ogrid[:z, :y, :x]
    for _ in range(60):  # bright ellipsoidal "nuclei"
        cz, cy, cx = rng.uniform(0, z), rng.uniform(0, y), rng.uniform(0, x)
        r = rng.uniform(20, 60)
        d = ((zz - cz) * 8 / r) ** 2 + ((yy - cy) / r) ** 2 + ((xx - cx) / r) ** 2
        img += numpy.where(d < 1, rng.uniform(500, 3000), 0).astype(numpy.float32)
    img += rng.normal(0, 20, img.shape).astype(numpy.float32)
    data = numpy.clip(img, 0, 65535).astype(numpy.uint16)
    tifffile.imwrite(path, data, compression='zlib', metadata={'axes': 'ZYX'})


def read(path, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        a = tifffile.imread(path)
        times.append(time.perf_counter() - t0)
    a = numpy.ascontiguousarray(a)
    digest = hashlib.sha256(a.astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest()
    print(json.dumps({'times_s': times, 'sha256': digest, 'shape': list(a.shape)}))


if __name__ == '__main__':
    if sys.argv[1] == 'write':
        write(sys.argv[2], *map(int, sys.argv[3:6]))
    else:
        read(sys.argv[2], int(sys.argv[3]))
