// Package post holds the post-processing applied to network outputs: sigmoid and
// softmax on float32 arrays, fixed and Otsu thresholds, argmax over channels,
// connected-component labelling in 2D (4/8-connectivity) and 3D (6/18/26) and
// small-object removal.
//
// Arrays are flat float32 (or uint8/int32) slices in C-order; channel-first
// layouts (C, then spatial axes) follow data's CZYX convention. Everything here is
// plain Go: post imports only the standard library, never GoMLX.
package post
