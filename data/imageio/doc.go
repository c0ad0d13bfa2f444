// Package imageio reads and writes microscopy images in pure Go: TIFF (classic
// and BigTIFF, either byte order, strips or tiles, chunky or planar samples,
// no/LZW/Deflate/PackBits/Zstd compression, predictors 2 and 3), OME-TIFF and
// ImageJ hyperstacks, NPY and PNG, all seen as 5D TCZYX images.
//
// Reading:
//
//	img, err := imageio.Open("cells.ome.tif") // metadata only
//	m := img.Meta()                           // m.Shape is [T C Z Y X], m.DType, m.PhysicalSize, m.ChannelNames
//	a, err := img.Read(imageio.Selection{Dims: "ZYX", T: imageio.At(0), C: imageio.At(1)})
//	// a.Data is []uint16 for uint16 files; a.Float32() converts.
//
// Read decodes only the strips or tiles that intersect the selection (a plane,
// a Z range, one T/C, a YX window), in parallel. Samples of RGB pixels are
// channels; a plain multi-page TIFF is a Z stack; OME-XML (DimensionOrder,
// TiffData, physical sizes, channel names) and ImageJ descriptions (images,
// channels, slices, frames, spacing, unit) give the other axes.
//
// Writing: WriteOMETIFF (multi-page, deflate or zstd, BigTIFF past 4 GiB),
// WriteNPY, WritePNG, or Write by file extension.
//
// Every error names the file and, for TIFF, the page and the feature at fault;
// malformed files never make the package panic or allocate more than the file
// can plausibly hold.
//
// Layering: imageio is part of data/, the bottom layer; it imports only the
// standard library, golang.org/x/image/tiff/lzw and klauspost/compress.
package imageio
