// Package nets holds im2im's networks, each defined once for 2D and 3D (Dims):
//
//   - UNet: MONAI-like U-Net (Channels per level, Strides or per-axis AxisStrides
//     for anisotropic stacks, residual units or plain double-conv blocks, strided-conv
//     or max-pool down-sampling, ConvTranspose up-sampling with kernel = stride, skip
//     concatenation, 1×1 head).
//   - AttentionUNet: the same encoder/decoder with attention gates on the skips.
//   - DynUNet: residual U-Net with deep supervision: while training, Build returns
//     the main head and DeepSupervision auxiliary heads (nearest-up-sampled to full
//     size) concatenated on the channel axis; loss.Deep splits them. Evaluation graphs
//     return the main head only.
//   - BranchedERFNet: EmbedSeg's ERFNet encoder with two decoders (offsets and
//     sigmas; seed), output [B, 2·Dims+1, S...] for loss.SpatialEmbedding.
//
// Every net implements Net: Build(ctx, x) has the signature of train.ModelFn, so
// `net.Build` is passed to the trainer directly; Validate reports every config problem
// at once with its field name; Divisor says what input sizes are accepted.
// Inputs are [batch, channels, spatial...] (2 or 3 spatial axes); outputs are logits
// [batch, OutChannels, spatial...] of the same spatial size. Zero values of config
// fields mean the documented defaults. Layers come from ml/nn.
//
// Imports: GoMLX and ml/nn.
package nets
