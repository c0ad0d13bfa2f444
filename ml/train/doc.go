// Package train is im2im's trainer: it fits a network built with GoMLX graph ops to
// batches of (input, target) arrays with AdamW, Adam or SGD, learning-rate
// schedules (exponential, cosine with warm-up, reduce-on-plateau), global-norm
// gradient clipping, validation every N epochs, best and last checkpoints written
// atomically, early stopping, resume (also after the process was killed), loading
// of shape-matched weights for fine-tuning, fixed seeds, a clear stop on NaN/Inf
// loss, progress callbacks and cancellation through a context.Context.
//
// It uses GoMLX's context (variables, executors, random state) and graph packages;
// the optimizers, schedules and checkpoint format are written here so that their
// state is exact across a resume. train imports GoMLX and the standard library;
// networks, losses and metrics come in as functions (ml/nets, ml/loss, ml/metric).
package train
