// Package infer runs a trained fully-convolutional network over images of any size:
// sliding windows with overlap, gaussian (or constant) blending of the overlapping
// predictions, windows grouped into batches, per-time-point and per-channel
// selection for TCZYX data, and casting of the result to the output type.
// Windows can be aligned to a network's down-sampling grid (Options.Grid), and
// EachBatch hands out the same windows with the region each owns (a partition
// of the image) for passes that must see every voxel once, such as the
// whole-image normalisation statistics ml/framework collects.
//
// The network is seen only as a Predictor (a function from a batch of windows to a
// batch of predictions), so this package is plain Go and testable without GoMLX;
// ml/framework adapts a trained model to a Predictor. infer imports only the
// standard library and data/array.
package infer
