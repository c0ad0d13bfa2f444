// Package nn holds the layers im2im networks are built from, for 2D and 3D from one
// definition. Tensors are channels-first: [batch, channels, spatial...], with 2 or 3
// spatial axes; kernels are [out, in, k...] (PyTorch's layout).
//
// Two levels, so that every gradient can be checked on its own:
//
//   - functional ops on graph nodes, weights passed in: ConvND, ConvDilated (kernel
//     dilation), PointwiseConv, ConvTranspose, DepthToSpace(Axes), UpSample(2), RepeatUpsample(Axes),
//     MaxPool(Axes), InstanceNorm, GroupNorm, BatchNormTrain, BatchNormInfer,
//     Activate. They use only GoMLX ops whose gradients are exact on the im2im
//     backend (ml/backend), which ml/gradcheck verifies against finite differences.
//   - context layers that own their variables (weights, running statistics) under the
//     context's scope: Conv(Axes), ConvLayer (per-axis kernel, stride, padding and
//     dilation: 3×1, 1×1×3, …), UpConv(Axes), UpConvTranspose, ConvTransposeLayer,
//     Norm, BatchNorm (any ε), Act, Dropout, ChannelDropout, ConvBlock(Axes), ResidualUnit(Axes), AttentionGate. The …Axes forms take one
//     stride/factor per spatial axis (anisotropic 3D).
//
// Where GoMLX's own gradient is wrong we avoid it: ConvND corrects GoMLX's input
// gradient of even kernels (a one-voxel shift of input and gradient, or an odd embedding
// without padding before), 1×1 convolutions are
// DotGeneral, and up-sampling is a 1×1 convolution followed by DepthToSpace, which is
// exactly a transposed convolution with kernel 2 and stride 2 (UpConv); general
// transposed convolutions (ConvTranspose) insert zeros by reshape and convolve; never
// graph.Interpolate (its bilinear gradient is wrong). Batch norm uses the batch
// statistics with their true gradient and updates running averages (momentum 0.1, as
// PyTorch) while training.
//
// Imports: GoMLX only (graph, context, layers); never data, stdlib, dsl or kernel.
package nn
