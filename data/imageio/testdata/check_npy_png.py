#!/usr/bin/python3
"""Load NPY files with numpy and PNG files with Pillow; print what they see as JSON.

Used by data/imageio's TestNumpyAndPillowReadOurFiles:

    /usr/bin/python3 check_npy_png.py FILE...

Per file: shape, dtype name, whether numpy loaded it Fortran-ordered, and the
SHA-256 of the values in C order, little endian.
"""
import hashlib
import json
import sys

import numpy


def main():
    out = []
    for path in sys.argv[1:]:
        if path.endswith('.npy'):
            a = numpy.load(path)
            fortran = bool(a.flags.f_contiguous and not a.flags.c_contiguous)
        else:
            from PIL import Image
            with Image.open(path) as im:
                a = numpy.asarray(im)
                if im.mode == 'I':  # Pillow opens 16-bit gray PNG as 32-bit ints
                    a = a.astype(numpy.uint16)
            if a.ndim == 3:  # PIL gives YXC; report CYX like imageio
                a = a.transpose(2, 0, 1)
            fortran = False
        c = numpy.ascontiguousarray(a)
        digest = hashlib.sha256(c.astype(c.dtype.newbyteorder('<')).tobytes()).hexdigest()
        out.append({'file': path, 'shape': list(a.shape), 'dtype': a.dtype.name, 'fortran': fortran, 'sha256': digest})
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
