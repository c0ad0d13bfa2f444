// Package ml is the deep-learning layer on GoMLX: backend selection, layers, nets,
// losses, metrics, per-category frameworks, the trainer, sliding-window inference
// and post-processing, and the guard that their graphs use only operations XLA has
// (ml/opcheck), ONNX export and interpretation of the nets (ml/onnx), bioimage.io
// model packages (ml/bioimageio), and instance segmentation on the CPU: EmbedSeg's
// clustering, centre images and instance matching (ml/instance).
//
// Layering: ml may import data (for array shapes and synthetic data in tests) and
// never imports stdlib, dsl or kernel.
package ml
