// Package loss holds im2im's training losses as graph functions. Every loss takes the
// network's prediction pred [B, C, S...] and the target, and returns a scalar (mean
// over the batch):
//
//   - Segmentation losses (CE, Dice, GeneralizedDice, DiceCE, Focal, GDLFocal) take
//     logits. C == 1 is binary (sigmoid; target a 0/1 mask [B, 1, S...]); C ≥ 2 is
//     multi-class (softmax; target either class indices [B, 1, S...] stored as
//     floats, or one-hot [B, C, S...]).
//   - Regression losses (MSE, L1, Huber) compare pred and target of the same shape.
//   - SpatialEmbedding is EmbedSeg's loss (instance, variance and seed terms) on a
//     BranchedERFNet-style prediction [B, 2·Dims+1, S...] with instance ids and centre
//     images; its Lovász hinge (LovaszHinge) takes its sort order from a histogram
//     of the errors, as GoMLX has no sort.
//
// Losses implementing Weighted also accept a per-voxel cost map weight [B, 1, S...]
// (mmv_im2im's costmap). Deep wraps a loss for nets.DynUNet's deep supervision.
// Fn adapts any Loss to train.LossFn (`func(pred, target *graph.Node) *graph.Node`).
//
// Constants follow MONAI: Dice smoothing 1e-5 in numerator and denominator, focal
// gamma 2, Huber delta 1; DiceCE and GDLFocal add their parts with weight 1 each.
//
// Imports: GoMLX graph only.
package loss
