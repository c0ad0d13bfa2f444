// Package synth generates synthetic microscopy-like training data in memory,
// deterministically from a seed: 2D and 3D nuclei-like blobs with exact semantic
// masks and instance labels (touching objects included), noisy/clean pairs
// (Poisson + Gaussian noise) for denoising, blurred/sharp pairs and
// bright-field-like → fluorescence-like pairs for label-free regression.
// It is the embedded default data of tutorials and tests.
//
// Layering: synth imports data/array (and data/imageio for writing files); it
// never imports GoMLX or any layer above data.
package synth
