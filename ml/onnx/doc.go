// Package onnx writes im2im's fully convolutional nets (ml/nets' UNet,
// AttentionUNet and DynUNet, the GANs' ResNetGenerator and EmbedSeg's
// BranchedERFNet, 2D and 3D) as ONNX models (IR version 8, opset 17) from their
// configuration and trained weights, for consumers such as ONNX Runtime and
// bioimage.io packages, and reads the weights back (Import).
//
// The exporter walks a net's config the way ml/nets builds it (the same layer
// order and variable scopes), reading each variable by its scope and name from a
// Weights source (a *train.Checkpoint, or the variables of a context). Every layer
// of those nets has an ONNX form; anything else (an unknown norm or activation, a
// net type other than these) is an error naming it, never a silent gap.
// The model computes the net's inference graph: batch norm with its running
// statistics, no dropout, DynUNet's main head only. Inputs and outputs are
// [batch, channels, spatial...] float32 with symbolic batch and spatial sizes.
//
// Import inverts Export: the same walk, with zero-valued variables of the
// config's shapes, records which variable each initializer holds and in which
// order (transposed and flipped kernels included); a model whose graph is
// that walk's, node for node, gives the variables back exactly.
//
// The protobuf encoding is written here by hand (only the ModelProto fields
// that exporting needs). Imports: GoMLX tensors and ml/nets.
//
// Reading: ReadModel decodes a ModelProto with a protobuf reader of its own
// (read.go, read_wire.go; fuzzed), and Model.Run interprets the graph on the
// CPU in plain Go (eval*.go): the operators the exporter writes plus those of
// the zoo's U-Nets (Resize, Constant, Clip, Softmax, Sub, Div, ...), values
// freed as soon as no later node reads them. Correctness over speed: callers
// tile large images (see stdlib/im2im.PredictPackage).
package onnx
