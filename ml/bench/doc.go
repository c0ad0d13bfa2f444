// Package bench times training steps on a GoMLX backend beside the same step in
// PyTorch CPU, so `im2im bench unet` and `im2im bench pix2pix` can print both
// medians side by side, and times whole trainings to a validation Dice for
// `im2im bench ttd`.
//
// Two models: the reference U-Net (base 16, two levels down; the network of
// ../shared/bench/torch_unet.py: ReferenceUNet, Ours) and pix2pix as
// ml/framework.Pix2Pix trains it (Pix2PixFramework, OursPix2Pix; its PyTorch
// twin torch_pix2pix.py is built into the binary). Options describes one
// benchmark (Resolve fills the per-model, per-dimension defaults and checks
// it); Torch runs the model's script and ParseTorchResult reads its RESULT line
// (timing and parameter counts); ConvFLOPs counts a U-Net step's convolution
// work. Progress (each step's time and loss, the script's output) goes to the
// writer the caller gives; the summary is the caller's to print. README.md
// records measured results.
//
// Time to quality (ttd*.go): TTDOptions describes the task of
// ../shared/bench/ttd (PrepareTTDData generates it once and writes it as TIFF
// pairs too), TorchTTD runs its train.py, TTDClock times our side from the
// trainer's progress reports, FormatTTD and TTDRatios summarise; our side's
// training itself (im2im train's path, which lives in stdlib) is assembled by
// the command. NetParams counts a net's parameters. Targets generalise the
// Dice targets to any validation metric (GainTargets: dB over a base).
//
// 3D denoising (ttd3d*.go, `im2im bench ttd3d`): Denoise3DOptions describes the
// task of notebooks/denoise_3d.ipynb, PrepareDenoise3DData writes its synthetic
// volumes once as OME-TIFF and as NPY stacks of the same values (and measures
// the noisy input's PSNR, MeanPSNR), TorchDenoise3D runs the built-in PyTorch
// reference torch_ttd_denoise3d.py.
//
// Imports: GoMLX and ml (backend, nn, nets, loss, train, framework); never
// stdlib, dsl or kernel.
package bench
