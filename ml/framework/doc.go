// Package framework holds im2im's per-category model wrappers, one file per
// category, mirroring mmv_im2im's pl_* modules. Each ties a declared network, loss,
// optimizer and schedule to the trainer (ml/train), sliding-window inference
// (ml/infer) and post-processing (ml/post) behind one contract: train, validate,
// predict.
//
// FCN is the first category: a fully-convolutional network trained with a
// supervised loss (semantic segmentation, denoising, label-free prediction, ...).
//
// framework imports GoMLX, ml/train, ml/infer, ml/post and data/array; networks and
// losses come in through the small Net and Loss interfaces that ml/nets and ml/loss
// implement.
package framework
