// Package instance holds the CPU side of embedding-based instance segmentation
// (EmbedSeg): the centre images the loss trains towards (Centers), the clustering that
// turns a network prediction into an instance label image (Cluster), sequential
// relabelling (Relabel), and instance-matching scores against a ground truth (Match,
// Summarize). It is plain Go on flat slices: no GoMLX graphs.
//
// # Layout
//
// A spatial shape is [Z, Y, X] (Z = 1 for 2D images). Arrays are flat, in raster order
// with x fastest: voxel (z, y, x) sits at index (z·Y + y)·X + x. A network prediction is
// channels-first, [C, Z, Y, X], channel c starting at c·Z·Y·X.
//
// # Coordinate convention (shared with the graph-side loss)
//
// With D = 2 or 3 spatial dimensions the prediction has C = 2·D + 1 channels:
//
//	channels 0 .. D−1     offsets o_x, o_y (, o_z)   x is the last array axis
//	channels D .. 2D−1    sigmas  σ_x, σ_y (, σ_z)   same axis order
//	channel  2D           seed logit
//
// The coordinate of voxel (z, y, x) is (z·Step[0], y·Step[1], x·Step[2]) in embedding
// units (Step is ordered z, y, x like the shape): index i along an axis has coordinate
// i·step, with the origin at the image's first voxel. mmv_im2im's step is
// pixel/(grid−1), 1/1023 by default; since offsets are relative to the voxel, only the
// step matters, and it must be the same in training and clustering. Per axis a:
//
//	embedding  e_a = tanh(o_a) + coord_a         so |e_a − coord_a| < 1 embedding unit
//	bandwidth  b_a = exp(10·σ_a)
//	seed       s   = sigmoid(seed logit)
//	membership φ   = exp(−Σ_a b_a·(e_a − C_a)²) for a centre C
//
// A voxel belongs to the cluster around C when φ > 0.5, evaluated as
// Σ_a b_a·(e_a − C_a)² < ln 2; its reach along axis a is therefore below √(ln 2 / b_a).
//
// Labels are int32: 0 is background, instances are positive ids. Connected components
// of a binary mask come from ml/post (Label), not from this package.
package instance
