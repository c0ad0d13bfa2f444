// Package metric holds im2im's validation metrics as graph functions with the
// trainer's metric signature, func(pred, target *graph.Node) *graph.Node returning a
// scalar averaged over the batch:
//
//   - Dice, IoU: segmentation overlap of the hard prediction (logit > 0 for one
//     channel, argmax over channels otherwise) with the target (0/1 mask, class
//     indices [B, 1, S...] or one-hot), per sample and foreground class (class 0 is
//     background when there are ≥ 2 classes), averaged. An empty prediction of an
//     empty target scores 1.
//   - PSNR, SSIM, Pearson: image similarity of pred and target of the same shape.
//     PSNR and SSIM use DataRange, or per sample max(target)−min(target) when 0.
//     SSIM uses a Gaussian window (σ 1.5, size 11 or the largest odd size that fits),
//     K1 0.01, K2 0.03, valid windows only, per channel, in 2D or 3D.
//
// Spec lists them with their direction (higher is better for all five); ByName
// returns one by config name. Compute evaluates a metric on host float32 arrays
// (whole images), returning shape problems as errors.
//
// Imports: GoMLX (graph, tensors, backends) and ml/nn.
package metric
