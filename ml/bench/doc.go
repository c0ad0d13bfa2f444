// Package bench times training steps of the reference U-Net (base 16, two levels
// down; the network of ../shared/bench/torch_unet.py) on a GoMLX backend and runs
// that PyTorch script with the same shape and threads, so `im2im bench unet` can
// print both medians side by side.
//
// Options describes one benchmark (Resolve fills the per-dimension defaults and
// checks it); Ours times our side, Torch runs the script and ParseTorchResult reads
// its RESULT line; ConvFLOPs counts a step's convolution work. Progress (each
// step's time and loss, the script's output) goes to the writer the caller gives;
// the summary is the caller's to print.
//
// Imports: GoMLX and ml (backend, nn); never stdlib, dsl or kernel.
package bench
