// Package data holds everything before the tensor: image IO (TIFF/OME-TIFF, NPY,
// PNG), dataset discovery, transforms, the Pebble patch store, the loader and
// synthetic data. It hands out plain float32 arrays with CZYX/CYX shapes.
//
// Layering: data is the bottom layer; it imports no other im2im package and never
// imports GoMLX.
package data
