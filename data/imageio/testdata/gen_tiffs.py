#!/usr/bin/python3
"""Generate the reference files of data/imageio's tests and their manifest.

Run with Debian's python3 (python3-numpy, python3-tifffile; python3-pil with
libtiff and the zstd command-line tool for the compressions tifffile cannot
encode without imagecodecs):

    cd data/imageio/testdata && /usr/bin/python3 gen_tiffs.py

Every file is written from a known numpy array; manifest.json records, per file,
the TCZYX shape, dtype and metadata the Go reader must report, the SHA-256 of the
whole TCZYX array (C order, little endian) and of one sub-window, and a few
sample values. tifffile writes the TIFF structure; for LZW, PackBits, Zstd and
the floating-point predictor (which tifffile 2023.2.3 cannot encode without
imagecodecs) the strips are encoded here, written through tifffile as
pre-encoded zlib strips, and the Compression/Predictor tags are then patched.
Those files are decoded back with libtiff (through Pillow) when available, so
the encoders below are checked against an independent decoder.
"""
import hashlib
import json
import os
import subprocess
import sys
import zlib

import numpy
import tifffile

RNG = numpy.random.default_rng(20261125)
MANIFEST = []


def rand(dtype, shape):
    dtype = numpy.dtype(dtype)
    if dtype.kind == 'f':
        return (RNG.standard_normal(shape) * 1000).astype(dtype)
    info = numpy.iinfo(dtype)
    return RNG.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


def sha(a):
    a = numpy.ascontiguousarray(a)
    return hashlib.sha256(a.astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest()


def record(name, tczyx, fmt, **meta):
    """Add a manifest entry for the TCZYX array tczyx stored in file name."""
    assert tczyx.ndim == 5
    T, C, Z, Y, X = tczyx.shape
    win = {'T': [T - 1, T], 'C': [C - 1, C], 'Z': [min(1, Z - 1), Z], 'Y': [3, min(17, Y)], 'X': [2, min(13, X)]}
    sub = tczyx[tuple(slice(*win[k]) for k in 'TCZYX')]
    samples = []
    for _ in range(5):
        idx = tuple(int(RNG.integers(0, s)) for s in tczyx.shape)
        samples.append(list(idx) + [float(tczyx[idx])])
    entry = {
        'file': name, 'format': fmt, 'shape': list(tczyx.shape), 'dtype': tczyx.dtype.name,
        'sha256': sha(tczyx), 'window': win, 'window_sha256': sha(sub), 'samples': samples,
    }
    entry.update(meta)
    MANIFEST.append(entry)


def patch_tags(name, values):
    """Overwrite integer tags (e.g. {259: 5}) on every page of a TIFF."""
    with tifffile.TiffFile(name, mode='r+b') as tif:
        for page in tif.pages:
            for code, value in values.items():
                page.tags[code].overwrite(value)


def verify_with_pil(name, pages, swapped=False):
    """Decode every page with libtiff through Pillow and compare. swapped: Pillow 9.4
    byte-swaps libtiff's output of big-endian predictor-3 floats, which libtiff has
    already converted to native order, so undo that swap."""
    try:
        from PIL import Image, features
    except ImportError:
        print(f'  {name}: Pillow missing, not cross-checked')
        return
    if not features.check('libtiff'):
        print(f'  {name}: Pillow without libtiff, not cross-checked')
        return
    with Image.open(name) as im:
        for i, want in enumerate(pages):
            im.seek(i)
            got = numpy.asarray(im)
            if swapped:
                got = got.byteswap()
            if got.shape != want.shape or not numpy.array_equal(got.astype(want.dtype.newbyteorder('=')), want):
                sys.exit(f'{name}: page {i} decoded by libtiff differs from the source')
    print(f'{name}: libtiff decodes all {len(pages)} pages identically')


def lzw_encode(data):
    """TIFF LZW (MSB-first codes, early change, clear at 4094) as libtiff writes it."""
    out, acc, nacc = bytearray(), 0, 0

    def put(code, width):
        nonlocal acc, nacc
        acc = (acc << width) | code
        nacc += width
        while nacc >= 8:
            nacc -= 8
            out.append((acc >> nacc) & 0xFF)
        acc &= (1 << nacc) - 1

    def reset():
        return {bytes([i]): i for i in range(256)}, 258, 9

    table, nxt, width = reset()
    put(256, width)
    w = b''
    for c in data:
        wc = w + bytes([c])
        if wc in table:
            w = wc
            continue
        put(table[w], width)
        table[wc] = nxt
        nxt += 1
        if nxt > 4094:
            put(256, width)
            table, nxt, width = reset()
        elif nxt > (1 << width) - 1:
            width += 1
        w = bytes([c])
    if w:
        put(table[w], width)
        nxt += 1
        if nxt > (1 << width) - 1 and width < 12:
            width += 1
    put(257, width)
    if nacc:
        out.append((acc << (8 - nacc)) & 0xFF)
    return bytes(out)


def packbits_encode(data):
    out, i, n = bytearray(), 0, len(data)
    while i < n:
        j = i
        while j + 1 < n and data[j + 1] == data[i] and j + 1 - i < 127:
            j += 1
        if j > i:  # run of j-i+1 equal bytes
            out += bytes([(1 - (j - i + 1)) & 0xFF, data[i]])
            i = j + 1
            continue
        j = i + 1
        while j < n and j - i < 128 and not (j + 1 < n and data[j] == data[j + 1]):
            j += 1
        out += bytes([j - i - 1]) + bytes(data[i:j])
        i = j
    return bytes(out)


def zstd_encode(data):
    return subprocess.run(['zstd', '-q', '-c', '-3'], input=data, stdout=subprocess.PIPE, check=True).stdout


def delta_rows(strip, spp=1):
    """Predictor 2 on a (rows, width*spp) integer strip."""
    d = strip.copy()
    d[:, spp:] = strip[:, spp:] - strip[:, :-spp]
    return d


def floatpred_rows(strip, spp=1):
    """Predictor 3 on a (rows, width*spp) float strip: MSB-first byte planes, byte deltas."""
    rows, n = strip.shape
    size = strip.dtype.itemsize
    be = strip.astype(strip.dtype.newbyteorder('>'))
    planes = be.view(numpy.uint8).reshape(rows, n, size).transpose(0, 2, 1).reshape(rows, n * size)
    d = planes.copy()
    d[:, spp:] = planes[:, spp:] - planes[:, :-spp]
    return d


def write_preencoded(name, pages, rps, encode, compression, predictor=None, byteorder='<', **kw):
    """Write pages (Z, Y, X) with strips of rps rows encoded by encode(bytes)."""
    Z, Y, X = pages.shape
    dtype = pages.dtype.newbyteorder(byteorder)

    def strips():
        for z in range(Z):
            for y in range(0, Y, rps):
                s = pages[z, y:y + rps].astype(dtype)
                if predictor == 2:
                    s = delta_rows(s)
                elif predictor == 3:
                    s = floatpred_rows(s)
                yield encode(s.tobytes())

    # tifffile refuses a predictor tag on float data and drops it from extratags: declare
    # floats as signed integers of the same size, then patch SampleFormat and Predictor.
    declared, patch = dtype, {259: compression}
    if predictor == 3:
        declared = numpy.dtype(f'{byteorder}i{dtype.itemsize}')
        patch.update({339: 3, 317: 3})
    tifffile.imwrite(name, strips(), shape=pages.shape, dtype=declared, byteorder=byteorder, compression='zlib',
                     predictor='horizontal' if predictor else None, rowsperstrip=rps, metadata=None,
                     photometric='minisblack', **kw)
    patch_tags(name, patch)


def t5(a, axes):
    """Expand an array with the given axes (subset of TCZYX, in order) to 5D."""
    for i, ax in enumerate('TCZYX'):
        if ax not in axes:
            a = numpy.expand_dims(a, i)
    return a


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    # 3D uint16 stack, plain (tifffile's shaped description), uncompressed.
    a = rand('u2', (6, 32, 40))
    tifffile.imwrite('stack_u16.tif', a, photometric='minisblack')
    record('stack_u16.tif', t5(a, 'ZYX'), 'tiff', compression='none', pages=6)

    # ImageJ hyperstack TZCYX with spacing, unit and resolution.
    a = rand('u2', (2, 3, 2, 24, 20))
    tifffile.imwrite('imagej_hyper.tif', a, imagej=True, resolution=(1 / 0.25, 1 / 0.25),
                     metadata={'axes': 'TZCYX', 'spacing': 1.75, 'unit': 'um'})
    record('imagej_hyper.tif', a.transpose(0, 2, 1, 3, 4), 'imagej-tiff', compression='none', pages=12,
           physical_size={'x': 0.25, 'y': 0.25, 'z': 1.75, 'x_unit': 'µm', 'y_unit': 'µm', 'z_unit': 'µm'})

    # 5D TCZYX OME-TIFF with physical sizes and channel names, deflate.
    a = rand('u2', (2, 3, 4, 24, 20))
    tifffile.imwrite('ome_5d.ome.tif', a, compression='zlib', rowsperstrip=10,
                     metadata={'axes': 'TCZYX', 'PhysicalSizeX': 0.2, 'PhysicalSizeY': 0.3, 'PhysicalSizeZ': 1.5,
                               'PhysicalSizeXUnit': 'µm', 'PhysicalSizeYUnit': 'µm', 'PhysicalSizeZUnit': 'nm',
                               'Channel': {'Name': ['DNA', 'membrane', 'bright field']}})
    record('ome_5d.ome.tif', a, 'ome-tiff', compression='deflate', pages=24,
           physical_size={'x': 0.2, 'y': 0.3, 'z': 1.5, 'x_unit': 'µm', 'y_unit': 'µm', 'z_unit': 'nm'},
           channel_names=['DNA', 'membrane', 'bright field'])

    # OME-TIFF stored in another dimension order (XYCZT) with planar RGB samples? keep it simple:
    # a 4D CZYX OME with DimensionOrder XYCZT (tifffile writes it for axes ZCYX).
    a = rand('u1', (3, 2, 16, 12))  # Z, C, Y, X
    tifffile.imwrite('ome_zcyx.ome.tif', a, metadata={'axes': 'ZCYX'})
    record('ome_zcyx.ome.tif', t5(a.transpose(1, 0, 2, 3), 'CZYX'), 'ome-tiff', compression='none', pages=6)

    # float32 little and big endian with predictor 3, deflate.
    a = rand('f4', (3, 24, 20))
    write_preencoded('f32_le_pred3.tif', a, 8, zlib.compress, 8, predictor=3, byteorder='<')
    verify_with_pil('f32_le_pred3.tif', list(a))
    record('f32_le_pred3.tif', t5(a, 'ZYX'), 'tiff', compression='deflate', pages=3)
    write_preencoded('f32_be_pred3.tif', a, 7, zlib.compress, 8, predictor=3, byteorder='>')
    verify_with_pil('f32_be_pred3.tif', list(a), swapped=True)
    record('f32_be_pred3.tif', t5(a, 'ZYX'), 'tiff', compression='deflate', pages=3, byte_order='big')

    # int16 with horizontal predictor (tifffile encodes it itself), deflate.
    a = rand('i2', (4, 24, 20))
    tifffile.imwrite('i16_pred2.tif', a, photometric='minisblack', compression='zlib', predictor=True, rowsperstrip=5)
    record('i16_pred2.tif', t5(a, 'ZYX'), 'tiff', compression='deflate', pages=4)

    # BigTIFF, striped and tiled (with edge tiles), big-endian tiled.
    a = rand('u2', (3, 24, 20))
    tifffile.imwrite('bigtiff_strips.tif', a, photometric='minisblack', bigtiff=True, compression='zlib', rowsperstrip=5)
    record('bigtiff_strips.tif', t5(a, 'ZYX'), 'tiff', compression='deflate', pages=3, bigtiff=True)
    a = rand('u2', (2, 40, 36))
    tifffile.imwrite('bigtiff_tiles.tif', a, photometric='minisblack', bigtiff=True, tile=(16, 16), compression='zlib')
    record('bigtiff_tiles.tif', t5(a, 'ZYX'), 'tiff', compression='deflate', pages=2, bigtiff=True, tiled=True)
    a = rand('i4', (2, 20, 36))
    tifffile.imwrite('be_i32_tiles.tif', a, photometric='minisblack', byteorder='>', tile=(16, 32))
    record('be_i32_tiles.tif', t5(a, 'ZYX'), 'tiff', compression='none', pages=2, byte_order='big', tiled=True)

    # Zstd, LZW (+ predictor 2, strips long enough to reach 12-bit codes and a clear code), PackBits.
    a = rand('u2', (3, 24, 20))
    write_preencoded('zstd.tif', a, 10, zstd_encode, 50000)
    verify_with_pil('zstd.tif', list(a))
    record('zstd.tif', t5(a, 'ZYX'), 'tiff', compression='zstd', pages=3)
    a = rand('u2', (2, 64, 64)) // 16  # 12-bit noise: more than 4094 codes per strip, so clear codes occur
    write_preencoded('lzw_pred2.tif', a, 64, lzw_encode, 5, predictor=2)
    verify_with_pil('lzw_pred2.tif', list(a))
    record('lzw_pred2.tif', t5(a, 'ZYX'), 'tiff', compression='lzw', pages=2)
    a = rand('u1', (2, 24, 20))
    a[:, 5:9] = 7  # runs
    write_preencoded('packbits.tif', a, 6, packbits_encode, 32773)
    verify_with_pil('packbits.tif', list(a))
    record('packbits.tif', t5(a, 'ZYX'), 'tiff', compression='packbits', pages=2)

    # RGB: planar (PlanarConfiguration 2) and contiguous; samples are channels.
    a = rand('u1', (3, 24, 20))
    tifffile.imwrite('rgb_planar.tif', a, photometric='rgb', planarconfig='separate', compression='zlib', rowsperstrip=9)
    record('rgb_planar.tif', t5(a, 'CYX'), 'tiff', compression='deflate', pages=1)
    a = rand('u2', (2, 24, 20, 3))
    tifffile.imwrite('rgb_contig.tif', a, photometric='rgb', tile=(16, 16))
    record('rgb_contig.tif', t5(a.transpose(3, 0, 1, 2), 'CZYX'), 'tiff', compression='none', pages=2, tiled=True)

    # More sample types.
    a = rand('f8', (2, 9, 11))
    tifffile.imwrite('f64_be.tif', a, photometric='minisblack', byteorder='>')
    record('f64_be.tif', t5(a, 'ZYX'), 'tiff', compression='none', pages=2, byte_order='big')
    a = rand('i1', (2, 9, 11))
    tifffile.imwrite('i8.tif', a, photometric='minisblack', compression='zlib')
    record('i8.tif', t5(a, 'ZYX'), 'tiff', compression='deflate', pages=2)
    a = rand('u4', (2, 9, 11))
    tifffile.imwrite('u32.tif', a, photometric='minisblack')
    record('u32.tif', t5(a, 'ZYX'), 'tiff', compression='none', pages=2)

    # NPY: C and Fortran order, several dtypes and byte orders.
    for name, arr, axes in [
        ('c_u16.npy', rand('u2', (3, 5, 7)), 'ZYX'),
        ('fortran_f32be.npy', numpy.asfortranarray(rand('>f4', (2, 3, 5, 7))), 'CZYX'),
        ('i64.npy', rand('i8', (5, 7)), 'YX'),
        ('bool.npy', rand('u1', (4, 6)) > 128, 'YX'),
        ('f16.npy', rand('f2', (2, 2, 3, 4, 5)) / 100, 'TCZYX'),
    ]:
        numpy.save(name, arr)
        want = arr
        if arr.dtype == bool:
            want = arr.astype('u1')
        if arr.dtype.kind == 'f' and arr.dtype.itemsize == 2:
            want = arr.astype('f4')
        record(name, t5(numpy.ascontiguousarray(want), axes), 'npy')

    # PNG written by Pillow: 8- and 16-bit gray, RGB.
    from PIL import Image
    a = rand('u1', (17, 23))
    Image.fromarray(a).save('gray8.png')
    record('gray8.png', t5(a, 'YX'), 'png')
    a = rand('u2', (17, 23))
    Image.fromarray(a.astype('<u2'), mode='I;16').save('gray16.png')
    record('gray16.png', t5(a, 'YX'), 'png')
    a = rand('u1', (17, 23, 3))
    Image.fromarray(a, mode='RGB').save('rgb8.png')
    record('rgb8.png', t5(a.transpose(2, 0, 1), 'CYX'), 'png')

    # OME-TIFF with RGB samples (SizeC=3, SamplesPerPixel=3) and with two image series
    # (imageio reads the first). Appended last so that the files above keep their values.
    a = rand('u1', (2, 16, 12, 3))
    tifffile.imwrite('ome_rgb.ome.tif', a, photometric='rgb', metadata={'axes': 'ZYXS'})
    record('ome_rgb.ome.tif', t5(a.transpose(3, 0, 1, 2), 'CZYX'), 'ome-tiff', compression='none', pages=2)
    a, b = rand('u1', (3, 8, 8)), rand('u1', (2, 5, 5))
    with tifffile.TiffWriter('ome_two_series.ome.tif', ome=True) as tif:
        tif.write(a, photometric='minisblack', metadata={'axes': 'ZYX'})
        tif.write(b, photometric='minisblack', metadata={'axes': 'ZYX'})
    record('ome_two_series.ome.tif', t5(a, 'ZYX'), 'ome-tiff', compression='none', pages=3)

    with open('manifest.json', 'w', encoding='utf-8') as f:
        json.dump(MANIFEST, f, indent=1, ensure_ascii=False)
        f.write('\n')
    total = sum(os.path.getsize(e['file']) for e in MANIFEST)
    print(f'wrote {len(MANIFEST)} files, {total} bytes, and manifest.json')


if __name__ == '__main__':
    main()
