// Package bioimageio reads, writes and checks bioimage.io model packages
// (model description format 0.5): the rdf.yaml description (Description),
// the checks of a description against the spec's rules (Validate), the zip
// package with its referenced files (WritePackage, ReadPackage), and the
// pre- and post-processing steps a consumer applies around the weights
// (Apply).
//
// Only the parts of the format im2im writes and runs are modelled: tensors
// with batch, channel and space axes, ONNX weights, test tensors as .npy.
// Fields the reader does not model are kept in Description.Extra so nothing
// is silently dropped when a package is rewritten.
//
// Layering: part of ml/; imports data/imageio (NPY) and gopkg.in/yaml.v3.
package bioimageio
