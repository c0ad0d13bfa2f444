#!/usr/bin/python3
"""Read TIFF files with Debian's tifffile and print what it sees as JSON.

Used by data/imageio's TestTifffileReadsOurFiles:

    /usr/bin/python3 check_written.py FILE...

For each file: whether tifffile takes it for OME-TIFF/BigTIFF, the first
series' axes, shape and dtype, the OME Pixels physical sizes and channel names,
the first page's compression and predictor, and the SHA-256 of the pixels
(C order, little endian). tifffile 2023.2.3 decodes Zstd only through
imagecodecs; without it, Zstd strips are decompressed with the zstd command
and the pixels assembled from them here.
"""
import hashlib
import json
import subprocess
import sys

import numpy
import tifffile


def zstd_pixels(tif, series):
    data = bytearray()
    fh = tif.filehandle
    for page in tif.pages:
        for off, cnt in zip(page.dataoffsets, page.databytecounts):
            fh.seek(off)
            raw = fh.read(cnt)
            data += subprocess.run(['zstd', '-d', '-c', '-q'], input=raw, stdout=subprocess.PIPE, check=True).stdout
    dtype = series.dtype.newbyteorder(tif.byteorder)
    return numpy.frombuffer(bytes(data), dtype=dtype).reshape(series.shape)


def main():
    out = []
    for path in sys.argv[1:]:
        with tifffile.TiffFile(path) as tif:
            s = tif.series[0]
            page = tif.pages[0]
            r = {'file': path, 'is_ome': bool(tif.is_ome), 'is_bigtiff': bool(tif.is_bigtiff), 'axes': s.axes,
                 'shape': list(s.shape), 'dtype': str(s.dtype), 'compression': int(page.compression),
                 'predictor': int(page.predictor)}
            if tif.is_ome:
                px = tifffile.xml2dict(tif.ome_metadata)['OME']['Image']['Pixels']
                r['physical'] = {k: px.get(k) for k in ('PhysicalSizeX', 'PhysicalSizeY', 'PhysicalSizeZ',
                                                        'PhysicalSizeXUnit', 'PhysicalSizeYUnit', 'PhysicalSizeZUnit')}
                ch = px.get('Channel', [])
                if isinstance(ch, dict):
                    ch = [ch]
                r['channel_names'] = [c.get('Name', '') for c in ch]
            if int(page.compression) == 50000:
                a = zstd_pixels(tif, s)
            else:
                a = s.asarray()
            a = numpy.ascontiguousarray(a)
            r['sha256'] = hashlib.sha256(a.astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest()
        out.append(r)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main()
