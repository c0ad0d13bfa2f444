"""Writes the time-to-quality data (data.npz of gen_data.py) as TIFF pairs for im2im.

usage: python3 ttd_tiff.py DIR  ->  DIR/train/imgNNN_IM.tiff, imgNNN_GT.tiff and DIR/val/...
Inputs stay float32 (normalisation is each side's), masks uint8 0/1.
"""
import os
import sys

import numpy as np
import tifffile

d = np.load(os.path.join(sys.argv[1], "data.npz"))
for split, xs, ys in (("train", d["Xtr"], d["Ytr"]), ("val", d["Xva"], d["Yva"])):
    out = os.path.join(sys.argv[1], split)
    os.makedirs(out, exist_ok=True)
    for i, (x, y) in enumerate(zip(xs, ys)):
        tifffile.imwrite(os.path.join(out, "img%03d_IM.tiff" % i), x.astype(np.float32))
        tifffile.imwrite(os.path.join(out, "img%03d_GT.tiff" % i), y.astype(np.uint8))
print("wrote %d + %d TIFF pairs" % (len(d["Xtr"]), len(d["Xva"])))
