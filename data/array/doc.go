// Package array holds the pipeline's plain N-d float32 array and the sample that
// groups arrays by role (IM, GT, CM, ...). Shapes are channel-first: CYX for 2D
// data and CZYX for 3D data; a batch adds a leading B.
//
// Layering: array is the bottom of data/; it imports only the standard library.
package array
